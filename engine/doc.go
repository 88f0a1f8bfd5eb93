// Package engine runs a reconstruction: it takes a sparse field, picks the
// target grid, fits a method (the physics-informed neural field or a
// classical baseline), scores the result against a truth or held-out vectors,
// and reports everything it does as events. Headless mode prints the events;
// the terminal UI turns them into messages. Neither calls the numerics
// directly.
//
// Besides Run, Batch reconstructs every snapshot of a series with a
// resumable manifest, and RunTemporal rebuilds missing snapshots of a
// periodic series by advecting its neighbours' vorticity forward and
// backward in time (2D Euler, pseudo-spectral) and blending the two.
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
