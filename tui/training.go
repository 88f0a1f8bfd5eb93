package tui

// The training panel plugs in here once the training engine exists; nothing
// in this package trains, fakes training or shows a placeholder for it.
//
// The design (docs/design.md, "One engine, two faces") has a run report its
// progress as events, which headless mode prints and the workstation turns
// into Bubble Tea messages. The panel is meant to be wired as follows:
//
//  1. panes.go: add paneTraining before numPanes (title "Training"); the
//     pane manager then sizes it, cycles focus to it with tab and lays it
//     out like the metrics panel (side by side with the field from
//     splitWidth columns).
//  2. trainingpanel.go: a TrainingPanel component like MetricsPanel: its own
//     keys (start, pause, stop), SetSize, Update and a View cached behind a
//     dirty flag, drawing the loss curves with LogLogChart (or a linear
//     variant) and the throughput and metrics as text.
//  3. A command that waits on the run's event channel and returns one
//     message per event, re-issued after each (the usual Bubble Tea pattern
//     for a stream); the run itself is started from a command, never from
//     Update, and cancelled through its context when the user stops it or
//     quits.
//
// The events the panel expects, one message type each:
//
//   - step: epoch or step number, learning rate, elapsed time;
//   - loss terms: the named terms (data, divergence, structure function,
//     ...) and their total at that step;
//   - throughput: steps or collocation points per second, device in use;
//   - snapshot: the current reconstruction as a *piv.Field on the input's
//     grid. The panel forwards it as SetFieldMsg{Entry: &Entry{Name:
//     "reconstruction", Role: RoleField, Frames: ...}}, which replaces the
//     previous snapshot in place: the field view redraws it (error maps and
//     comparison included) and the metrics panel rescores it against the
//     truth, with no further code;
//   - metrics: a *piv.Metrics computed by the engine on held-out vectors;
//   - finished: the final reconstruction and where it was saved;
//   - failed: the error, shown on the status line.
