package engine

import (
	"context"
	"math"
	"testing"

	"pivsr/data/synth"
)

// The residual operator vanishes on a DNS's own dense truth when it holds
// the DNS's dissipation (automatic order-4 hyperviscosity) and 2/3-rule
// truncation, and does not as the Euler equations: there the truth's
// residual is about half its ω_t on a 32^2 grid. A forced run's drag and
// Kolmogorov forcing enter it too. (The linear blend of the
// neighbours, d = τ/100 away, leaves about 2e-3 of ω_t.)
func TestTruthResidualDNS(t *testing.T) {
	t.Run("decaying", func(t *testing.T) { truthResidual(t, synth.NewTurbulence(32).WithSeed(3), 13) })
	forced := synth.NewTurbulence(32).WithSeed(3).Forced(synth.Kolmogorov{Amplitude: 1, K: 4}).WithDrag(0.05)
	t.Run("forced", func(t *testing.T) { truthResidual(t, forced, 3) })
}

func truthResidual(t *testing.T, c *synth.TurbulenceConfig, turnovers float64) {
	sim, err := c.Done()
	if err != nil {
		t.Fatal(err)
	}
	tau, cfg := sim.EddyTurnover(), sim.Config()
	d := 0.01 * tau
	ts := []float64{turnovers*tau - d, turnovers * tau, turnovers*tau + d}
	truth, err := sim.Series(context.Background(), ts)
	if err != nil {
		t.Fatal(err)
	}
	g := truth.Frames[0].Grid
	missing := []bool{false, true, false}
	box := newVorticityBox(g, 0)
	rms := func(terms FlowTerms) float64 {
		col, err := box.collocation(context.Background(), g, ts, truth.Frames, missing, false, 0.5, cfg.Viscosity, terms)
		if err != nil {
			t.Fatal(err)
		}
		r := 0.0
		for _, v := range col.R {
			r += v * v
		}
		return math.Sqrt(r / float64(len(col.R)))
	}
	// The scale of the cancelling terms: the rms rate of change of ω.
	w0, _, _ := box.vorticity(truth.Frames[0])
	w2, _, _ := box.vorticity(truth.Frames[2])
	_, _, wa, _, _, _ := box.physical(w0, 0, 0)
	_, _, wc, _, _, _ := box.physical(w2, 0, 0)
	scale := 0.0
	for q := range wa {
		scale += (wc[q] - wa[q]) * (wc[q] - wa[q]) / (4 * d * d)
	}
	scale = math.Sqrt(scale / float64(len(wa)))
	terms := FlowTerms{Hyperviscosity: cfg.Hyperviscosity, HyperOrder: cfg.HyperOrder, Drag: cfg.Drag}
	if k, ok := cfg.Forcing.(synth.Kolmogorov); ok {
		terms.ForcingAmplitude, terms.ForcingWavenumber = k.Amplitude, k.K
	}
	full := rms(terms)
	euler := rms(FlowTerms{})
	t.Logf("rms ω_t %.3g; rms residual of the truth: with the DNS's terms %.3g, Euler %.3g", scale, full, euler)
	if !(full < 5e-3*scale) {
		t.Errorf("residual of the truth with the DNS's terms %.3g: want below 5e-3 of rms ω_t %.3g", full, scale)
	}
	if !(euler > 0.2*scale) {
		t.Errorf("Euler residual of the truth %.3g: want above 0.2 of rms ω_t %.3g (the hyperviscosity matters)", euler, scale)
	}
}
