package engine

import (
	"fmt"
	"math"
	"strings"

	"pivsr/models"
	"pivsr/piv"
)

// Config describes a run.
type Config struct {
	// Method is "mfn" (the physics-informed neural field) or a classical
	// baseline: "spectral", "tps", "dfrbf", "bicubic", "smoothn".
	Method string
	// Scale refines the input grid by this factor; NX and NY give an
	// explicit target grid over the input's extent instead. Neither: the
	// input's own grid, every missing vector filled.
	Scale  int
	NX, NY int
	// Boundary is "auto" (periodic when the data look periodic, see
	// baseline.DetectPeriodicity), "periodic" or "open".
	Boundary string
	// Holdout is the share of valid vectors withheld from the neural fit to
	// measure its validation error (0 keeps them all).
	Holdout float64
	// Seed makes the run reproducible.
	Seed uint64
	// Border is the number of nodes each side drops from the interior
	// metrics.
	Border int
	// Neural holds the settings of the neural method.
	Neural NeuralConfig
}

// NeuralConfig are the settings of the physics-informed neural field.
type NeuralConfig struct {
	Backend          string  // "auto", "go", "xla:cuda" or "xla:/path/plugin.so"
	Steps            int     // training steps
	LearningRate     float64 // Adam's peak learning rate
	WarmupSteps      int     // linear warm-up before the cosine decay
	DivergenceWeight float64 // lambda_div
	Filters, Hidden  int     // network shape
	Collocation      int     // collocation points drawn per step
	SnapshotEvery    int     // steps between Snapshot events (0: none)

	// CheckpointDir, when set, receives a checkpoint (network, Adam's state,
	// step, schedule and early-stopping state, and the run's configuration)
	// every CheckpointEvery steps (0: only when cancelled and at the end),
	// when the context is cancelled, and when training ends.
	CheckpointDir   string
	CheckpointEvery int
	// Resume continues from the last checkpoint in CheckpointDir, with the
	// result an uninterrupted run gives; the configuration and input must be
	// the checkpoint's.
	Resume bool

	// StructureWeight is lambda_S2, the weight of the structure-function
	// prior (0 disables it); StructureLaw the sub-grid law it extrapolates:
	// "fit" (exponent fitted on the input), "smooth" (S2 ~ r^2) or "k41"
	// (S2 ~ r^(2/3)); StructureLags the target spacings l = 1..L it
	// constrains along x, y and the diagonal; StructurePatch the target nodes
	// drawn each step as the pairs' origins.
	StructureWeight float64
	StructureLaw    string
	StructureLags   int
	StructurePatch  int

	// StreamFunction makes the network a stream function psi, its velocity
	// (dpsi/dy, -dpsi/dx) divergence-free by construction (the divergence
	// penalty is then skipped); a step costs more (every point carries
	// tangents).
	StreamFunction bool
	// SmoothnessWeight is the weight of the vorticity-gradient smoothness
	// term mean |grad omega|^2 at the collocation points, on base plus
	// correction (0 disables it; see models.SmoothnessLoss).
	SmoothnessWeight float64

	// ValidateEvery is the number of steps between measures of the held-out
	// error; Patience stops training once that many steps pass without a
	// better one (0: never stop early). The final field uses the parameters
	// of the best measure.
	ValidateEvery int
	Patience      int
	// WarmStart, when set, starts the network from these parameters (a
	// previous Result.State, e.g. the last snapshot of a series) instead of
	// a fresh, zero-output initialisation. It must come from a network of
	// the same shape.
	WarmStart *models.State `json:"-"`
}

// StructureLaws lists the values NeuralConfig.StructureLaw accepts.
var StructureLaws = []string{"fit", "smooth", "k41"}

// DefaultConfig returns the defaults: the neural method on the input's grid,
// boundary detection, 10% held out, seed 1, interior border 8.
func DefaultConfig() Config {
	return Config{
		Method: "mfn", Boundary: "auto", Holdout: 0.1, Seed: 1, Border: 8,
		Neural: NeuralConfig{
			Backend: "auto", Steps: 600, LearningRate: 1e-3, WarmupSteps: 50, DivergenceWeight: 1e-3,
			Filters: 4, Hidden: 64, Collocation: 1024, SnapshotEvery: 100,
			StructureWeight: 0, StructureLaw: "smooth", StructureLags: 4, StructurePatch: 256,
			ValidateEvery: 50, Patience: 200,
		},
	}
}

// Methods lists the method names a Config accepts.
var Methods = []string{"mfn", "spectral", "tps", "dfrbf", "bicubic", "smoothn"}

// Check validates the configuration.
func (c Config) Check() error {
	known := false
	for _, m := range Methods {
		known = known || m == c.Method
	}
	switch {
	case !known:
		return fmt.Errorf("unknown method %q: want one of %s", c.Method, strings.Join(Methods, ", "))
	case c.Scale < 0:
		return fmt.Errorf("scale %d: want a positive refinement factor", c.Scale)
	case c.Scale > 0 && (c.NX > 0 || c.NY > 0):
		return fmt.Errorf("give a scale or a target grid, not both")
	case (c.NX > 0) != (c.NY > 0) || c.NX < 0 || c.NY < 0:
		return fmt.Errorf("target grid %dx%d: want both sizes positive", c.NX, c.NY)
	case c.Boundary != "auto" && c.Boundary != "periodic" && c.Boundary != "open":
		return fmt.Errorf("boundary %q: want auto, periodic or open", c.Boundary)
	case !(c.Holdout >= 0 && c.Holdout < 0.5):
		return fmt.Errorf("holdout %v: want a share in [0, 0.5)", c.Holdout)
	case c.Border < 0:
		return fmt.Errorf("border %d: want 0 or more nodes", c.Border)
	}
	if c.Method != "mfn" {
		return nil
	}
	if err := c.Neural.checkTraining(); err != nil {
		return err
	}
	return c.Neural.checkRobustness()
}

// checkTraining validates the network and loss settings, each error naming
// the setting (as pivsr train's flag where it has one).
func (n NeuralConfig) checkTraining() error {
	switch {
	case n.Steps < 0:
		return fmt.Errorf("steps %d: want 0 (the base alone) or more", n.Steps)
	case !(n.LearningRate > 0 && finite(n.LearningRate)):
		return fmt.Errorf("learning rate (-lr) %v: want a positive number", n.LearningRate)
	case n.WarmupSteps < 0:
		return fmt.Errorf("warm-up %d steps: want 0 or more", n.WarmupSteps)
	case !(n.DivergenceWeight >= 0 && finite(n.DivergenceWeight)):
		return fmt.Errorf("divergence weight (-div-weight) %v: want 0 or more", n.DivergenceWeight)
	case !(n.SmoothnessWeight >= 0 && finite(n.SmoothnessWeight)):
		return fmt.Errorf("smoothness weight (-smooth-weight) %v: want 0 or more", n.SmoothnessWeight)
	case n.Filters < 1 || n.Hidden < 1:
		return fmt.Errorf("%d filters (-filters) of width %d (-hidden): want 1 or more of each", n.Filters, n.Hidden)
	case n.Collocation < 0:
		return fmt.Errorf("%d collocation points: want 0 or more", n.Collocation)
	case n.SmoothnessWeight > 0 && n.Collocation == 0:
		return fmt.Errorf("the smoothness term (-smooth-weight %v) is taken at the collocation points: it needs some", n.SmoothnessWeight)
	}
	return nil
}

func finite(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }

// targetGrid is the grid a run reconstructs on.
func (c Config) targetGrid(in piv.Grid) (piv.Grid, error) {
	switch {
	case c.Scale > 1:
		if !in.IsUniform(1e-3) {
			return piv.Grid{}, fmt.Errorf("-scale needs a uniform input grid")
		}
		nx, ny := (in.NX()-1)*c.Scale+1, (in.NY()-1)*c.Scale+1
		if float64(nx)*float64(ny) > 1<<26 {
			return piv.Grid{}, fmt.Errorf("scale %d makes a %dx%d grid: too large", c.Scale, nx, ny)
		}
		return piv.UniformGrid(nx, ny, in.X[0], in.Y[0], in.DX()/float64(c.Scale), in.DY()/float64(c.Scale)), nil
	case c.NX > 0:
		if float64(c.NX)*float64(c.NY) > 1<<26 {
			return piv.Grid{}, fmt.Errorf("target grid %dx%d is too large", c.NX, c.NY)
		}
		span := func(a []float64, n int) float64 {
			if n < 2 {
				return 0
			}
			return (a[len(a)-1] - a[0]) / float64(n-1)
		}
		return piv.UniformGrid(c.NX, c.NY, in.X[0], in.Y[0], span(in.X, c.NX), span(in.Y, c.NY)), nil
	}
	return in, nil
}

// holdoutMask picks round(share * n) of the valid vectors of f at random,
// seeded; nil when the share is 0.
func holdoutMask(f *piv.Field, share float64, seed uint64) []bool {
	valid := make([]int, 0, f.Len())
	for k := range f.U {
		if f.Valid(k) {
			valid = append(valid, k)
		}
	}
	m := int(math.Round(share * float64(len(valid))))
	if m == 0 {
		return nil
	}
	rng := newRand(seed)
	rng.Shuffle(len(valid), func(i, j int) { valid[i], valid[j] = valid[j], valid[i] })
	mask := make([]bool, f.Len())
	for _, k := range valid[:m] {
		mask[k] = true
	}
	return mask
}
