// Package engine runs a reconstruction: it takes a sparse field, picks the
// target grid, fits a method (the physics-informed neural field or a
// classical baseline), scores the result against a truth or held-out vectors,
// and reports everything it does as events. Headless mode prints the events;
// the terminal UI turns them into messages. Neither calls the numerics
// directly.
//
// The neural method ("mfn") fits a correction to a classical base: on a
// periodic field the Wiener estimate under a spectrum fitted on the samples,
// with a calibrated share of the small scales beyond the input lattice's band
// drawn at random, divergence-free for the grid's finite differences
// (baseline.Wiener); on an open one the thin-plate spline. Its loss is the
// data misfit plus, as configured, the divergence penalty (or none, with
// NeuralConfig.StreamFunction: the network is then a stream function), the
// structure-function prior and the vorticity-gradient smoothness term, each
// reported as a Term of every Progress event.
//
// Besides Run, Batch reconstructs every snapshot of a series with a
// resumable manifest (with warm starts, one network continues from snapshot
// to snapshot, its backend and compiled graphs kept), and RunTemporal
// rebuilds missing snapshots of a periodic series by advecting its
// neighbours' vorticity forward and backward in time (2D Euler,
// pseudo-spectral) and blending the two.
//
// A worked example: reconstruct every missing vector of a sparse field with
// the thin-plate spline and print the progress.
//
//	cfg := engine.DefaultConfig()
//	cfg.Method = "tps"
//	res, err := engine.Run(ctx, cfg, sparse, truth, func(ev engine.Event) {
//		fmt.Println(ev)
//	})
//	if err != nil {
//		return err
//	}
//	fmt.Println(res.Metrics.Rec) // against truth, when given
package engine
