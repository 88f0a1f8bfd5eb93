package engine

import (
	"context"
	"math"
	"strings"
	"testing"

	"pivsr/data/synth"
)

// The base's residual, computed spectrally at the lattice times, vanishes
// when the base is exact (advected Taylor-Green vortices in a stream, with
// their viscosity) and does not with the wrong viscosity or when the base
// is linear interpolation of moving vortices.
func TestBaseResidualExact(t *testing.T) {
	const nu = 0.2
	ts := []float64{0, 0.4, 0.8}
	truth := streamedVortices(32, ts, 0.5, 0.3, nu)
	missing := []bool{false, true, false}
	box := newVorticityBox(truth.Frames[0].Grid, nu)
	rmsR := func(advect bool, nuRes float64) float64 {
		col, err := box.collocation(context.Background(), truth.Frames[0].Grid, ts, truth.Frames, missing, advect, 0.5, nuRes, FlowTerms{})
		if err != nil {
			t.Fatal(err)
		}
		if len(col.X) != 7*32*32 {
			t.Fatalf("%d collocation candidates, want 7 lattice times of 32x32", len(col.X))
		}
		s := 0.0
		for _, r := range col.R {
			s += r * r
		}
		return math.Sqrt(s / float64(len(col.R)))
	}
	// The terms that cancel are of order |u| |∇ω| ~ 2.
	exact, wrongNu, linear := rmsR(true, nu), rmsR(true, 0), rmsR(false, nu)
	t.Logf("rms residual: exact %.3g, wrong viscosity %.3g, linear base %.3g", exact, wrongNu, linear)
	// (What is left is the advection's RK4 error at CFL 0.5.)
	if !(exact < 2e-5) {
		t.Errorf("advected exact solution: rms residual %.3g, want below 2e-5", exact)
	}
	if !(wrongNu > 0.03) || !(linear > 0.03) {
		t.Errorf("rms residual %.3g (wrong viscosity) and %.3g (linear base): want both above 0.03", wrongNu, linear)
	}
}

func TestLatticeTimesAndEnvelope(t *testing.T) {
	ts := []float64{0, 1, 2, 3, 5}
	missing := []bool{false, true, false, false, true}
	got := latticeTimes(ts, missing)
	want := []float64{0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 3.5, 4, 4.5, 5}
	if len(got) != len(want) {
		t.Fatalf("lattice %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("lattice %v, want %v", got, want)
		}
	}
	env := keptEnvelope(ts, missing)
	for _, c := range []struct{ t, want float64 }{{0, 0}, {1, 1}, {2, 0}, {2.5, 1}, {3, 0}, {3.25, math.Sin(math.Pi / 4)}, {5, 1}, {-1, 1}} {
		if got := env(c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("envelope at %v: %v, want %v", c.t, got, c.want)
		}
	}
}

// tinyMFN returns settings small enough for a test: a narrow network, few
// steps, small batches, on the Go backend.
func tinyMFN(base string, physics float64, steps int) TemporalConfig {
	cfg := DefaultTemporalConfig()
	cfg.Method = "mfn"
	n := &cfg.Neural
	n.Base, n.Backend, n.Steps, n.Hidden, n.DataBatch, n.Collocation = base, "go", steps, 32, 256, 64
	n.PhysicsWeight, n.DivergenceWeight = physics, physics
	return cfg
}

// The figure on a tiny generated series: Taylor-Green vortices
// carried by a stream (an exact Euler solution, 24^2, 5 snapshots, every
// other one held out), which linear interpolation in time blurs. The
// space-time field on the linear base, driven by the vorticity-transport
// residual alone (the anchor pins the kept snapshots), reaches at least 2x
// lower held-out rec than linear interpolation; its physics term falls;
// the kept snapshots are the input's; and a rerun gives the same field.
func TestTemporalMFNBeatsLinear(t *testing.T) {
	truth := streamedVortices(24, []float64{0, 0.5, 1, 1.5, 2}, 0.7, -0.4, 0)
	cfg := tinyMFN("linear", 1, 150)
	res, err := RunTemporal(context.Background(), cfg, truth, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := res.Fit
	t.Logf("mfn rec %.3g, linear %.3g (ratio %.1f); physics %.3g -> %.3g in %d steps (%.1f s)",
		res.MeanRec, res.LinearMeanRec, res.LinearMeanRec/res.MeanRec, f.First.Physics, f.Last.Physics, f.Steps, f.Seconds)
	if !(res.LinearMeanRec >= 2*res.MeanRec) {
		t.Errorf("mfn rec %.3g, linear interpolation %.3g: want at least 2x lower", res.MeanRec, res.LinearMeanRec)
	}
	if !(f.Last.Physics < 0.5*f.First.Physics) {
		t.Errorf("physics term %.3g -> %.3g: want it at least halved", f.First.Physics, f.Last.Physics)
	}
	for k, m := range res.Missing {
		if !m && res.Series.Frames[k] != truth.Frames[k] {
			t.Errorf("kept snapshot %d was replaced", k)
		}
	}
	again, err := RunTemporal(context.Background(), cfg, truth, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := again.Series.Frames[1], res.Series.Frames[1]; a.U[17] != b.U[17] || a.V[40] != b.V[40] {
		t.Errorf("a rerun with the same seed gave another field: u %v vs %v, v %v vs %v", a.U[17], b.U[17], a.V[40], b.V[40])
	}
}

func TestTemporalMFNErrors(t *testing.T) {
	good := streamedVortices(16, []float64{0, 1, 2}, 0.3, 0, 0)
	for _, tc := range []struct {
		name string
		mod  func(*TemporalNeural)
		want string
	}{
		{"base", func(n *TemporalNeural) { n.Base = "cubic" }, "unknown base"},
		{"steps", func(n *TemporalNeural) { n.Steps = -1 }, "steps >= 0"},
		{"rate", func(n *TemporalNeural) { n.LearningRate = 0 }, "learning rate"},
		{"weight", func(n *TemporalNeural) { n.PhysicsWeight = math.Inf(1) }, "physics"},
		{"backend", func(n *TemporalNeural) { n.Backend = "tpu" }, "backend"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyMFN("advect", 1, 1)
			tc.mod(&cfg.Neural)
			_, err := RunTemporal(context.Background(), cfg, good, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v: want one containing %q", err, tc.want)
			}
		})
	}
}

// The figure on a tiny DNS series (decaying 2D turbulence, 32^2,
// order-4 hyperviscosity, 5 snapshots an eddy turnover apart, every other
// one held out): with the DNS's dissipation in its residual, the space-time
// field on the linear base reaches at least 2x lower held-out rec than
// linear interpolation. (As the Euler residual, the same fit was 17x worse
// than linear interpolation.)
func TestTemporalMFNBeatsLinearDNS(t *testing.T) {
	sim, err := synth.NewTurbulence(32).WithSeed(3).Done()
	if err != nil {
		t.Fatal(err)
	}
	tau, dns := sim.EddyTurnover(), sim.Config()
	ts := make([]float64, 5)
	for i := range ts {
		ts[i] = tau * (synth.DefaultTurnovers + float64(i))
	}
	truth, err := sim.Series(context.Background(), ts)
	if err != nil {
		t.Fatal(err)
	}
	cfg := tinyMFN("linear", 1, tinyDNSSteps)
	cfg.Viscosity = dns.Viscosity
	cfg.Dissipation = FlowTerms{Hyperviscosity: dns.Hyperviscosity, HyperOrder: dns.HyperOrder, Drag: dns.Drag}
	res, err := RunTemporal(context.Background(), cfg, truth, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := res.Fit
	t.Logf("mfn rec %.3g, linear %.3g (ratio %.2f); physics %.3g -> %.3g in %d steps (%.1f s)",
		res.MeanRec, res.LinearMeanRec, res.LinearMeanRec/res.MeanRec, f.First.Physics, f.Last.Physics, f.Steps, f.Seconds)
	if !(res.LinearMeanRec >= 2*res.MeanRec) {
		t.Errorf("mfn rec %.3g, linear interpolation %.3g: want at least 2x lower", res.MeanRec, res.LinearMeanRec)
	}
}

const tinyDNSSteps = 150
