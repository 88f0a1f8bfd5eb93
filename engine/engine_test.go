package engine

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"pivsr/models/baseline"
	"pivsr/piv"
)

// periodicTruth is a divergence-free periodic field on an n x n grid of
// [0, 2 pi)^2 with energy up to wavenumber 6.
func periodicTruth(n int) *piv.Field {
	h := 2 * math.Pi / float64(n)
	g := piv.UniformGrid(n, n, 0, 0, h, h)
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			k := g.Index(i, j)
			for m := 1; m <= 6; m++ {
				a := 1 / float64(m*m)
				ph := float64(m)*x + float64(m%3)*y + float64(m)
				// stream function a sin(ph): u = dpsi/dy, v = -dpsi/dx
				f.U[k] += a * float64(m%3) * math.Cos(ph)
				f.V[k] -= a * float64(m) * math.Cos(ph)
			}
		}
	}
	return f
}

func TestRunEmitsEventsAndScores(t *testing.T) {
	truth := periodicTruth(32)
	sparse, err := piv.KeepEvery(truth, 2, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"tps", "bicubic", "spectral"} {
		cfg := DefaultConfig()
		cfg.Method, cfg.Border = method, 4
		var started, finished, scored int
		res, err := Run(context.Background(), cfg, sparse, truth, func(ev Event) {
			switch ev := ev.(type) {
			case Started:
				started++
				if ev.Boundary != "periodic" {
					t.Errorf("%s: boundary %q, want the periodic field detected", method, ev.Boundary)
				}
			case Scored:
				scored++
			case Finished:
				finished++
			}
		})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if started != 1 || scored != 1 || finished != 1 {
			t.Errorf("%s: %d started, %d scored, %d finished events; want one each", method, started, scored, finished)
		}
		if res.Field.NumValid() != truth.Len() || res.Metrics == nil || res.Interior == nil {
			t.Fatalf("%s: incomplete result %+v", method, res)
		}
		if res.Metrics.Rec > 1e-3 {
			t.Errorf("%s: rec %v on a smooth field sampled every other node", method, res.Metrics.Rec)
		}
	}
}

func TestNeuralCorrectionStartsFromTheBaseAndTrains(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	cfg := DefaultConfig()
	cfg.Neural.Backend = "go"
	cfg.Neural.Steps = 0
	base, err := Run(context.Background(), cfg, sparse, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Neural.Steps, cfg.Neural.Hidden, cfg.Neural.Collocation, cfg.Neural.SnapshotEvery = 40, 16, 64, 20
	var progress, snapshots int
	var last Progress
	res, err := Run(context.Background(), cfg, sparse, truth, func(ev Event) {
		switch ev := ev.(type) {
		case Progress:
			progress++
			last = ev
		case Snapshot:
			snapshots++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if progress == 0 || last.Step != 40 || last.StepsPerSec <= 0 || len(last.Terms) != 3 || math.IsNaN(last.Validation) {
		t.Errorf("progress events: %d, last %+v", progress, last)
	}
	if snapshots != 1 {
		t.Errorf("%d snapshots, want 1 (step 20 of 40)", snapshots)
	}
	// A zero-initialised correction trained briefly stays close to its base.
	if res.Metrics.Rec > 2*base.Metrics.Rec+1e-6 {
		t.Errorf("the correction made the base worse: rec %v against the base's %v", res.Metrics.Rec, base.Metrics.Rec)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	truth := periodicTruth(16)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	other := periodicTruth(8)
	for name, tc := range map[string]struct {
		cfg   func(*Config)
		truth *piv.Field
	}{
		"unknown method":      {func(c *Config) { c.Method = "magic" }, nil},
		"scale and grid":      {func(c *Config) { c.Scale, c.NX, c.NY = 2, 10, 10 }, nil},
		"truth on other grid": {func(c *Config) {}, other},
		"spectral but open":   {func(c *Config) { c.Method, c.Boundary = "spectral", "open" }, nil},
		"bad holdout":         {func(c *Config) { c.Holdout = 0.7 }, nil},
	} {
		cfg := DefaultConfig()
		cfg.Method = "tps"
		tc.cfg(&cfg)
		if _, err := Run(context.Background(), cfg, sparse, tc.truth, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestScaleRefinesTheGrid(t *testing.T) {
	truth := periodicTruth(16)
	cfg := DefaultConfig()
	cfg.Method, cfg.Scale = "tps", 3
	res, err := Run(context.Background(), cfg, truth, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Field.NX() != 46 || res.Field.NY() != 46 || math.Abs(res.Field.DX()-truth.DX()/3) > 1e-12 {
		t.Errorf("scale 3 of a 16-node grid gave %dx%d spacing %v", res.Field.NX(), res.Field.NY(), res.Field.DX())
	}
}

// TestCheckNamesTheNeuralSetting: each bad neural setting is refused with
// its flag named, including NaN and infinite weights and a smoothness term
// with no collocation points to take it at.
func TestCheckNamesTheNeuralSetting(t *testing.T) {
	for want, set := range map[string]func(*NeuralConfig){
		"-div-weight":    func(n *NeuralConfig) { n.DivergenceWeight = math.NaN() },
		"-smooth-weight": func(n *NeuralConfig) { n.SmoothnessWeight = -1 },
		"-sf-weight":     func(n *NeuralConfig) { n.StructureWeight = math.Inf(1) },
		"-lr":            func(n *NeuralConfig) { n.LearningRate = math.Inf(1) },
		"-hidden":        func(n *NeuralConfig) { n.Hidden = 0 },
		"collocation":    func(n *NeuralConfig) { n.SmoothnessWeight, n.Collocation = 1e-6, 0 },
	} {
		cfg := DefaultConfig()
		set(&cfg.Neural)
		if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it named", want, err)
		}
	}
}

// TestPeriodicGridErrorNamesTheFlag: -grid over the input's extent rarely
// divides a periodic field's period; the periodic methods' error says so
// and names the flag.
func TestPeriodicGridErrorNamesTheFlag(t *testing.T) {
	truth := periodicTruth(16)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	cfg := DefaultConfig()
	cfg.Method, cfg.NX, cfg.NY = "spectral", 20, 20
	_, err := Run(context.Background(), cfg, sparse, nil, nil)
	if !errors.Is(err, baseline.ErrIncommensurate) || !strings.Contains(err.Error(), "-grid 20x20") {
		t.Errorf("spectral on a 20x20 grid: error %v, want the incommensurate target and -grid named", err)
	}
	cfg.NX, cfg.NY = 31, 31 // -scale 2's grid: accepted
	if _, err := Run(context.Background(), cfg, sparse, nil, nil); err != nil {
		t.Errorf("spectral on -scale 2's grid given as -grid 31x31: %v", err)
	}
}
