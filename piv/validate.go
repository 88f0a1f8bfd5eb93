package piv

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// MedianTest configures the normalised median test of Westerweel and Scarano
// (Exp. Fluids 39, 2005). For each component of a valid vector u0 with valid
// neighbours u_i in the (2 Radius + 1)^2 window,
//
//	r = |u0 - um| / (rm + Epsilon),  um = Median(u_i),  rm = Median(|u_i - um|),
//
// and the vector's residual is the larger of its two components' residuals, so
// a vector is rejected when either component fails the test, as in the
// original per-component formulation for which Threshold = 2 was calibrated.
type MedianTest struct {
	// Threshold is the residual above which a vector is rejected (about 2).
	Threshold float64
	// Epsilon is the noise floor added to rm, in the field's velocity units.
	// The published 0.1 is in pixels per frame: scale it for physical units.
	Epsilon float64
	// Radius is the half-width of the neighbourhood: 1 for the 8 neighbours.
	Radius int
	// MinNeighbours is the fewest valid neighbours a vector needs to be
	// tested; vectors with fewer are left alone (their residual is NaN).
	MinNeighbours int
}

// DefaultMedianTest returns the published settings: threshold 2, epsilon 0.1,
// the 8 neighbours, and at least 3 of them valid.
func DefaultMedianTest() MedianTest {
	return MedianTest{Threshold: 2, Epsilon: 0.1, Radius: 1, MinNeighbours: 3}
}

func (t MedianTest) check() error {
	switch {
	case !(t.Threshold > 0):
		return fmt.Errorf("median test threshold must be positive, got %v", t.Threshold)
	case !(t.Epsilon >= 0) || math.IsInf(t.Epsilon, 0):
		return fmt.Errorf("median test epsilon must be finite and non-negative, got %v", t.Epsilon)
	case t.Radius < 1:
		return fmt.Errorf("median test radius must be at least 1, got %d", t.Radius)
	case t.MinNeighbours < 1:
		return fmt.Errorf("median test needs at least 1 neighbour, got MinNeighbours=%d", t.MinNeighbours)
	}
	return nil
}

// Residuals writes each vector's normalised median residual into dst (reused
// when it has the capacity): NaN for invalid vectors and for vectors with
// fewer than MinNeighbours valid neighbours.
func (t MedianTest) Residuals(dst []float64, f *Field) ([]float64, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	valid := validNodes(f)
	dst = resize(dst, len(f.U))
	w := (2*t.Radius + 1) * (2*t.Radius + 1)
	nu, nv, dev := make([]float64, 0, w), make([]float64, 0, w), make([]float64, 0, w)
	nx, ny := f.NX(), f.NY()
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			k := j*nx + i
			dst[k] = math.NaN()
			if !valid[k] {
				continue
			}
			nu, nv = nu[:0], nv[:0]
			for _, m := range testWindow(nx, ny, i, j, t.Radius) {
				if valid[m] && m != k {
					nu = append(nu, f.U[m])
					nv = append(nv, f.V[m])
				}
			}
			if len(nu) < t.MinNeighbours {
				continue
			}
			dst[k] = max(medianResidual(f.U[k], nu, dev, t.Epsilon), medianResidual(f.V[k], nv, dev, t.Epsilon))
		}
	}
	return dst, nil
}

// Outliers writes into dst (reused when it has the capacity) which vectors the
// test rejects: residual above the threshold.
func (t MedianTest) Outliers(dst []bool, f *Field) ([]bool, error) {
	r, err := t.Residuals(nil, f)
	if err != nil {
		return nil, err
	}
	if cap(dst) >= len(r) {
		dst = dst[:len(r)]
	} else {
		dst = make([]bool, len(r))
	}
	for k, rk := range r {
		dst[k] = rk > t.Threshold // false for NaN: untested vectors stay
	}
	return dst, nil
}

// medianResidual is |u0 - um| / (rm + eps) for one component; dev is scratch.
// With eps = 0 and identical neighbours, an identical u0 has residual 0.
func medianResidual(u0 float64, neigh, dev []float64, eps float64) float64 {
	um := Median(neigh)
	dev = dev[:0]
	for _, u := range neigh {
		dev = append(dev, math.Abs(u-um))
	}
	num := math.Abs(u0 - um)
	if num == 0 {
		return 0
	}
	return num / (Median(dev) + eps)
}

// Median sorts a in place and returns its median (the mean of the two middle
// values for an even count).
func Median(a []float64) float64 {
	slices.Sort(a)
	n := len(a)
	if n%2 == 1 {
		return a[n/2]
	}
	return 0.5 * (a[n/2-1] + a[n/2])
}

// testWindow lists the offsets of the (2r+1)^2 window the median test compares
// node (i, j) with, the node itself included. At the edges the window is
// shifted inwards rather than truncated: a truncated window is one-sided, and
// where the flow varies normally to the edge its neighbours split into two
// tight groups, rm collapses to about 0 and clean edge vectors fail the test.
// The shifted window keeps 8 (or (2r+1)^2 - 1) neighbours whose spread
// reflects the local gradient.
func testWindow(nx, ny, i, j, r int) []int {
	ci, cj := i, j
	if nx > 2*r {
		ci = min(max(i, r), nx-1-r)
	}
	if ny > 2*r {
		cj = min(max(j, r), ny-1-r)
	}
	out := make([]int, 0, (2*r+1)*(2*r+1))
	for jj := max(0, cj-r); jj <= min(ny-1, cj+r); jj++ {
		for ii := max(0, ci-r); ii <= min(nx-1, ci+r); ii++ {
			out = append(out, jj*nx+ii)
		}
	}
	return out
}

// neighbours lists the in-grid offsets of the window of half-width r around
// (i, j), the centre excluded.
func neighbours(nx, ny, i, j, r int) []int {
	out := make([]int, 0, (2*r+1)*(2*r+1)-1)
	for jj := max(0, j-r); jj <= min(ny-1, j+r); jj++ {
		for ii := max(0, i-r); ii <= min(nx-1, i+r); ii++ {
			if ii != i || jj != j {
				out = append(out, jj*nx+ii)
			}
		}
	}
	return out
}

// FillMethod chooses how a gap is estimated from its valid neighbours.
type FillMethod int

const (
	// FillMedian uses the componentwise median: robust to outliers left over.
	FillMedian FillMethod = iota
	// FillMean uses the componentwise mean: smoother, second-order on smooth
	// fields for interior nodes.
	FillMean
)

// GapFill configures the replacement of missing or rejected vectors by an
// average of their valid neighbours. It works in passes: in each pass, every
// gap with enough valid neighbours is filled at once from the values before
// the pass, and filled vectors count as valid in later passes, so holes close
// from their edges inwards.
//
// An isolated gap inside the field gets a symmetric neighbourhood: the mean is
// then exact for linear flows. Each ring of a wider hole, and each gap on the
// field's edge, is estimated from neighbours on one side and so carries about
// one grid step's change of the velocity as error: fine for replacing
// outliers, crude for large holes, which an interpolating model fills better.
type GapFill struct {
	Method FillMethod
	// Radius is the half-width of the neighbourhood: 1 for the 8 neighbours.
	Radius int
	// MinNeighbours is how many valid neighbours a gap needs to be filled in
	// a pass. When no gap has that many, the gaps with the most valid
	// neighbours are filled, so every gap next to valid data is reached.
	MinNeighbours int
	// MaxPasses bounds the passes (each ring of a hole takes one); 0 means
	// until every reachable gap is filled.
	MaxPasses int
}

// DefaultGapFill returns median filling over the 8 neighbours, needing 3
// valid ones, with unbounded passes.
func DefaultGapFill() GapFill {
	return GapFill{Method: FillMedian, Radius: 1, MinNeighbours: 3}
}

func (g GapFill) check() error {
	switch {
	case g.Method != FillMedian && g.Method != FillMean:
		return fmt.Errorf("unknown gap fill method %d", g.Method)
	case g.Radius < 1:
		return fmt.Errorf("gap fill radius must be at least 1, got %d", g.Radius)
	case g.MinNeighbours < 1:
		return fmt.Errorf("gap fill needs at least 1 neighbour, got MinNeighbours=%d", g.MinNeighbours)
	case g.MaxPasses < 0:
		return fmt.Errorf("gap fill passes must be non-negative, got %d", g.MaxPasses)
	}
	return nil
}

// Fill replaces, in place, the vectors of f where targets is true by
// neighbour averages (their own values are ignored) and marks them valid. It
// returns which vectors it filled; targets out of reach (no valid vector in
// their connected region, or beyond MaxPasses) stay invalid.
func (g GapFill) Fill(f *Field, targets []bool) (filled []bool, err error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	if len(targets) != len(f.U) {
		return nil, fmt.Errorf("gap targets have %d values, want %d", len(targets), len(f.U))
	}
	valid := validNodes(f)
	var gaps []int
	for k, t := range targets {
		if t {
			valid[k] = false
			gaps = append(gaps, k)
		}
	}
	filled = make([]bool, len(f.U))
	nx, ny := f.NX(), f.NY()
	nb := make([][]int, len(gaps))
	for q, k := range gaps {
		nb[q] = neighbours(nx, ny, k%nx, k/nx, g.Radius)
	}
	count := make([]int, len(gaps))
	type update struct {
		k    int
		u, v float64
	}
	var (
		updates []update
		su, sv  []float64
	)
	for pass := 0; len(gaps) > 0 && (g.MaxPasses == 0 || pass < g.MaxPasses); pass++ {
		best := 0
		for q := range gaps {
			count[q] = 0
			for _, m := range nb[q] {
				if valid[m] {
					count[q]++
				}
			}
			best = max(best, count[q])
		}
		if best == 0 {
			break
		}
		need := min(g.MinNeighbours, best)
		updates = updates[:0]
		remaining := 0
		for q, k := range gaps {
			if count[q] < need {
				gaps[remaining], nb[remaining] = k, nb[q]
				remaining++
				continue
			}
			su, sv = su[:0], sv[:0]
			for _, m := range nb[q] {
				if valid[m] {
					su = append(su, f.U[m])
					sv = append(sv, f.V[m])
				}
			}
			updates = append(updates, update{k, g.estimate(su), g.estimate(sv)})
		}
		gaps, nb = gaps[:remaining], nb[:remaining]
		for _, up := range updates {
			f.U[up.k], f.V[up.k] = up.u, up.v
			valid[up.k], filled[up.k] = true, true
		}
	}
	if slices.Contains(filled, true) {
		f.EnsureMask()
		for k, ok := range filled {
			if ok {
				f.Mask[k] = true
			}
		}
	}
	return filled, nil
}

func (g GapFill) estimate(a []float64) float64 {
	if g.Method == FillMean {
		s := 0.0
		for _, x := range a {
			s += x
		}
		return s / float64(len(a))
	}
	return Median(a)
}

// Validator is a validation pipeline: mask non-finite vectors, reject the
// outliers of a normalised median test, then optionally fill the gaps.
type Validator struct {
	Test MedianTest
	// Fill, when non-nil, replaces the rejected vectors.
	Fill *GapFill
	// FillMissing also fills the vectors that were missing on input (masked
	// or non-finite), not only the rejected ones. Leave it false for sparse
	// (decimated) fields, whose gaps are the point.
	FillMissing bool
}

// DefaultValidator returns the default median test followed by the default
// median gap fill of the rejected vectors.
func DefaultValidator() Validator {
	fill := DefaultGapFill()
	return Validator{Test: DefaultMedianTest(), Fill: &fill}
}

// ValidationReport says what a Validator did to a field.
type ValidationReport struct {
	// NonFinite counts vectors newly masked because u or v was NaN or infinite.
	NonFinite int
	// Rejected marks the vectors the median test rejected; NumRejected counts them.
	Rejected    []bool
	NumRejected int
	// Filled marks the vectors replaced by neighbour averages (nil without
	// filling); Unfilled counts targets that could not be reached.
	Filled    []bool
	NumFilled int
	Unfilled  int
}

// Validate runs the pipeline on f in place (Clone f first to keep the raw
// field): rejected vectors are masked out, then filled if configured. All
// vectors are tested against the field as given, at once, so the order of
// nodes does not matter.
func (v Validator) Validate(f *Field) (*ValidationReport, error) {
	if err := v.Test.check(); err != nil {
		return nil, err
	}
	if v.Fill != nil {
		if err := v.Fill.check(); err != nil {
			return nil, err
		}
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	missing := make([]bool, len(f.U))
	for k := range missing {
		missing[k] = !f.Valid(k)
	}
	rep := &ValidationReport{NonFinite: f.MaskNonFinite()}
	rejected, err := v.Test.Outliers(nil, f)
	if err != nil {
		return nil, err
	}
	rep.Rejected = rejected
	for k, r := range rejected {
		if r {
			f.EnsureMask()
			f.Mask[k] = false
			rep.NumRejected++
		}
	}
	if v.Fill == nil {
		return rep, nil
	}
	targets := slices.Clone(rejected)
	if v.FillMissing {
		for k, m := range missing {
			targets[k] = targets[k] || m
		}
	}
	if rep.Filled, err = v.Fill.Fill(f, targets); err != nil {
		if errors.Is(err, ErrNoValidVectors) {
			// Every vector was rejected: nothing to fill from.
			rep.Filled = make([]bool, len(f.U))
		} else {
			return nil, err
		}
	}
	for k, t := range targets {
		switch {
		case rep.Filled[k]:
			rep.NumFilled++
		case t:
			rep.Unfilled++
		}
	}
	return rep, nil
}
