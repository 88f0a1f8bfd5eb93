// Package tui is pivsr's terminal workstation, built on Bubble Tea,
// lipgloss and bubbles: velocity fields drawn as heatmaps with scientific
// colour maps, a metrics and spectra panel, a training panel running a
// reconstruction (package engine) with live loss curves, a panel of optimal
// transport distances between two fields' distributions, a panel animating
// the sliced-Wasserstein gradient flows of particles of `pivsr ot flow`, a
// file picker, PNG and HDF5 export. It works in a plain 80x24 terminal, in tmux and over SSH: colours
// come from the --color flag or the environment (NO_COLOR, COLORTERM,
// TERM), never from querying the terminal, and without colour, or with
// ASCII, everything is drawn with plain characters.
//
// The package is layered so that drawing can be tested without a terminal:
//
//   - colour (color.go, colormap.go): colour modes, reduction of 24-bit
//     colours to the xterm 256 and ANSI 16 palettes, viridis and RdBu, and
//     Palette, a colour map quantised to 256 levels with every escape
//     sequence written once;
//   - drawing (resample.go, heatmap.go, colorbar.go, ticks.go, quiver.go,
//     braille.go, chart.go): a field resampled to the pixels of the screen
//     (box-averaging, so sparse vectors survive zooming out), half-block
//     cells (two pixels a cell: '▀' with the top pixel as foreground and the
//     bottom one as background), colour bars, round axis ticks, arrows,
//     braille log-log charts;
//   - components (fieldview.go, metricspanel.go, trainingpanel.go,
//     transportpanel.go, flowpanel.go, picker.go): Bubble Tea models with
//     their own keys, caching what they draw behind a dirty flag and
//     computing through commands (packages piv, engine and transport do the numerics, never
//     Update);
//   - runs (training.go, trainingform.go, flowrun.go): a training run goes on in its own
//     goroutine and queues its events, which a waiting command hands to
//     Update in batches; pausing cancels the run, which checkpoints, and
//     resuming continues from the checkpoint; a particle flow (flowrun.go)
//     runs in its own goroutine too and hands over one step at a time, and
//     stopping it makes its observe callback end the flow;
//   - the workstation (app.go, panes.go, workspace.go, export.go): the
//     root model, the pane manager that owns focus and sizes, the loaded
//     fields and the arrays computed from them, and the exports.
//
// A field drawn as text, without a terminal:
//
//	f := ... // a *piv.Field
//	speed, _ := piv.Speed(nil, f)
//	pal := tui.NewPalette(tui.Viridis, tui.Color256)
//	r := tui.RasterOf(f.Grid)
//	const w, h = 40, 20 // cells; half blocks draw 2h pixel rows
//	pix := r.Resample(nil, speed, tui.Window{X1: float64(f.NX()), D1: float64(f.NY())}, w, 2*h)
//	cells := tui.Cells(nil, tui.Levels(nil, pix, tui.ScaleOf(false, speed)), w, h, true)
//	for row := range h {
//		fmt.Println(string(pal.AppendCells(nil, cells[row*w:(row+1)*w], true)))
//	}
//
// The workstation itself runs with Run (pivsr open and pivsr tui call it).
package tui
