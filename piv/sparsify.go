package piv

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The functions here degrade a ground-truth field into benchmark inputs. Each
// returns a new field and leaves its input untouched; vectors they remove are
// masked out and set to NaN, so that no consumer can read the truth through a
// mask it forgot. The random ones are deterministic given the seed: each draws
// from its own PCG stream, so one seed used across a pipeline still gives
// independent draws.

// PCG stream selectors, one per function.
const (
	streamKeepRandom uint64 = 0x9e3779b97f4a7c15 + iota
	streamNoise
	streamOutliers
)

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// KeepEvery returns a copy of f keeping only the vectors at columns
// offsetX, offsetX+step, ... and rows offsetY, offsetY+step, ..., as PIV at a
// coarser interrogation spacing would see the flow; the grid is unchanged.
func KeepEvery(f *Field, step, offsetX, offsetY int) (*Field, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if step < 1 {
		return nil, fmt.Errorf("decimation step must be at least 1, got %d", step)
	}
	if offsetX < 0 || offsetX >= step || offsetY < 0 || offsetY >= step {
		return nil, fmt.Errorf("decimation offsets must lie in [0, %d), got (%d, %d)", step, offsetX, offsetY)
	}
	nx := f.NX()
	return keepWhere(f, func(k int) bool {
		i, j := k%nx, k/nx
		return (i-offsetX)%step == 0 && (j-offsetY)%step == 0
	}), nil
}

// KeepRandom returns a copy of f keeping round(density * NumValid) of its valid
// vectors, drawn uniformly without replacement.
func KeepRandom(f *Field, density float64, seed uint64) (*Field, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if !(density >= 0 && density <= 1) {
		return nil, fmt.Errorf("density must lie in [0, 1], got %v", density)
	}
	valid := validIndices(f)
	m := int(math.Round(density * float64(len(valid))))
	rng := newRand(seed, streamKeepRandom)
	keep := make([]bool, len(f.U))
	// Partial Fisher-Yates: the first m entries become a uniform sample.
	for q := 0; q < m; q++ {
		r := q + rng.IntN(len(valid)-q)
		valid[q], valid[r] = valid[r], valid[q]
		keep[valid[q]] = true
	}
	return keepWhere(f, func(k int) bool { return keep[k] }), nil
}

// AddNoise returns a copy of f with independent Gaussian noise of standard
// deviation std (velocity units) added to u and v of every valid vector.
func AddNoise(f *Field, std float64, seed uint64) (*Field, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if !(std >= 0) || math.IsInf(std, 0) {
		return nil, fmt.Errorf("noise standard deviation must be finite and non-negative, got %v", std)
	}
	g := f.Clone()
	rng := newRand(seed, streamNoise)
	for k := range g.U {
		if g.Valid(k) {
			g.U[k] += std * rng.NormFloat64()
			g.V[k] += std * rng.NormFloat64()
		}
	}
	return g, nil
}

// AddRelativeNoise is AddNoise with std = rel times the rms speed
// sqrt(mean(u^2 + v^2)) of the valid vectors, so rel = 0.05 is 5 % noise.
func AddRelativeNoise(f *Field, rel float64, seed uint64) (*Field, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if !(rel >= 0) || math.IsInf(rel, 0) {
		return nil, fmt.Errorf("relative noise must be finite and non-negative, got %v", rel)
	}
	return AddNoise(f, rel*rmsSpeed(f), seed)
}

// AddOutliers returns a copy of f in which round(fraction * NumValid) of the
// valid vectors, drawn uniformly without replacement, are replaced by spurious
// vectors whose components are uniform in [-a, a], a = amplitude times the
// field's largest valid speed, and reports which vectors were replaced.
func AddOutliers(f *Field, fraction, amplitude float64, seed uint64) (*Field, []bool, error) {
	if err := f.Check(); err != nil {
		return nil, nil, err
	}
	if !(fraction >= 0 && fraction <= 1) {
		return nil, nil, fmt.Errorf("outlier fraction must lie in [0, 1], got %v", fraction)
	}
	if !(amplitude > 0) || math.IsInf(amplitude, 0) {
		return nil, nil, fmt.Errorf("outlier amplitude must be finite and positive, got %v", amplitude)
	}
	a := amplitude * maxSpeed(f)
	if a == 0 {
		return nil, nil, fmt.Errorf("the field is at rest: outliers scaled by its maximum speed would be zero")
	}
	g := f.Clone()
	valid := validIndices(g)
	m := int(math.Round(fraction * float64(len(valid))))
	rng := newRand(seed, streamOutliers)
	replaced := make([]bool, len(g.U))
	for q := 0; q < m; q++ {
		r := q + rng.IntN(len(valid)-q)
		valid[q], valid[r] = valid[r], valid[q]
		k := valid[q]
		g.U[k] = a * (2*rng.Float64() - 1)
		g.V[k] = a * (2*rng.Float64() - 1)
		replaced[k] = true
	}
	return g, replaced, nil
}

// keepWhere copies f, masking out (and setting to NaN) every vector that is
// invalid or fails keep.
func keepWhere(f *Field, keep func(k int) bool) *Field {
	g := f.Clone()
	g.Mask = make([]bool, len(g.U))
	for k := range g.U {
		if f.Valid(k) && keep(k) {
			g.Mask[k] = true
		} else {
			g.U[k], g.V[k] = math.NaN(), math.NaN()
		}
	}
	return g
}

func validIndices(f *Field) []int {
	var idx []int
	for k := range f.U {
		if f.Valid(k) {
			idx = append(idx, k)
		}
	}
	return idx
}

func rmsSpeed(f *Field) float64 {
	s, n := 0.0, 0
	for k := range f.U {
		if f.Valid(k) {
			s += f.U[k]*f.U[k] + f.V[k]*f.V[k]
			n++
		}
	}
	return math.Sqrt(s / float64(n))
}

func maxSpeed(f *Field) float64 {
	m := 0.0
	for k := range f.U {
		if f.Valid(k) {
			m = max(m, math.Hypot(f.U[k], f.V[k]))
		}
	}
	return m
}

// Subsample returns the field on the coarser grid of every step-th column and
// row of f (starting at the first), with their vectors and mask: a fine
// simulation seen at a coarser resolution. Unlike [KeepEvery], the grid
// shrinks.
func Subsample(f *Field, step int) (*Field, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if step < 1 {
		return nil, fmt.Errorf("subsampling step must be at least 1, got %d", step)
	}
	nx, ny := (f.NX()+step-1)/step, (f.NY()+step-1)/step
	g := Grid{X: make([]float64, nx), Y: make([]float64, ny)}
	for i := range g.X {
		g.X[i] = f.X[i*step]
	}
	for j := range g.Y {
		g.Y[j] = f.Y[j*step]
	}
	out := NewField(g)
	out.Units = f.Units
	if f.Mask != nil {
		out.Mask = make([]bool, g.Len())
	}
	for j := range ny {
		for i := range nx {
			k, fine := out.Index(i, j), f.Index(i*step, j*step)
			out.U[k], out.V[k] = f.U[fine], f.V[fine]
			if f.Mask != nil {
				out.Mask[k] = f.Mask[fine]
			}
		}
	}
	return out, nil
}
