package transport

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The Lorentz (hyperboloid) model of hyperbolic space H^d is the upper sheet
// {x in R^(d+1) : -x_0^2 + x_1^2 + ... + x_d^2 = -1, x_0 > 0}, with origin
// o = (1, 0, ..., 0). Points are rows of a matrix with d+1 columns.

// LorentzTol is the default tolerance of CheckLorentz, relative to x_0^2.
const LorentzTol = 1e-6

// HyperbolicProjection chooses how points of H^d are projected on a
// geodesic through the origin, with direction v = (0, w), |w| = 1.
type HyperbolicProjection int

const (
	// GeodesicProjection takes the signed distance from the origin of the
	// closest point on the geodesic: t = artanh(<x_1:, w> / x_0).
	GeodesicProjection HyperbolicProjection = iota
	// HorosphericalProjection takes the Busemann function of the
	// direction, constant on horospheres: B_v(x) = log(x_0 - <x_1:, w>).
	HorosphericalProjection
)

// String names the projection.
func (h HyperbolicProjection) String() string {
	switch h {
	case GeodesicProjection:
		return "geodesic"
	case HorosphericalProjection:
		return "horospherical"
	}
	return fmt.Sprintf("HyperbolicProjection(%d)", int(h))
}

// HyperbolicSliced computes the hyperbolic sliced Wasserstein distance
// (Bonet, Chapel, Drumetz, Courty 2023) between samples of H^d in the
// Lorentz model: the average over directions w of S^(d-1) of the 1-D W_p^p
// between the projected coordinates. Build it with NewHyperbolicSliced and
// the setters, which return the receiver for chaining.
type HyperbolicSliced struct {
	sliceSettings
	scheme     DirectionScheme
	projection HyperbolicProjection
	tol        float64
}

// NewHyperbolicSliced returns a hyperbolic sliced distance with the given
// number of directions, p = 2, seed 0, random directions, the geodesic
// projection, tolerance LorentzTol and one worker per CPU.
func NewHyperbolicSliced(directions int) *HyperbolicSliced {
	return &HyperbolicSliced{sliceSettings: sliceSettings{slices: directions, p: 2}, tol: LorentzTol}
}

// P sets the exponent p >= 1.
func (h *HyperbolicSliced) P(p float64) *HyperbolicSliced { h.p = p; return h }

// Seed sets the seed of the directions.
func (h *HyperbolicSliced) Seed(seed uint64) *HyperbolicSliced { h.seed = seed; return h }

// Workers sets the number of goroutines (<= 0: GOMAXPROCS).
func (h *HyperbolicSliced) Workers(n int) *HyperbolicSliced { h.workers = n; return h }

// Directions sets how the directions w are drawn.
func (h *HyperbolicSliced) Directions(scheme DirectionScheme) *HyperbolicSliced {
	h.scheme = scheme
	return h
}

// Projection sets the projection onto the geodesics.
func (h *HyperbolicSliced) Projection(p HyperbolicProjection) *HyperbolicSliced {
	h.projection = p
	return h
}

// Tolerance sets how far from the hyperboloid input points may be (see
// CheckLorentz).
func (h *HyperbolicSliced) Tolerance(tol float64) *HyperbolicSliced { h.tol = tol; return h }

// Pow estimates HSW_p^p between the samples x and y of H^d in the Lorentz
// model (rows of d+1 columns, d >= 1) with weights wx and wy (nil =
// uniform; otherwise non-negative, summing to 1).
func (h *HyperbolicSliced) Pow(x *mat.Dense, wx []float64, y *mat.Dense, wy []float64) (Estimate, error) {
	if err := h.check(); err != nil {
		return Estimate{}, err
	}
	if h.projection != GeodesicProjection && h.projection != HorosphericalProjection {
		return Estimate{}, fmt.Errorf("%w: unknown hyperbolic projection %v", ErrConfig, h.projection)
	}
	cols, err := checkPair(x, wx, y, wy)
	if err != nil {
		return Estimate{}, err
	}
	if err := CheckLorentz(x, h.tol); err != nil {
		return Estimate{}, fmt.Errorf("x: %w", err)
	}
	if err := CheckLorentz(y, h.tol); err != nil {
		return Estimate{}, fmt.Errorf("y: %w", err)
	}
	d := cols - 1
	dirs, err := drawDirections(h.scheme, h.slices, d, newRand(h.seed))
	if err != nil {
		return Estimate{}, err
	}
	vals := make([]float64, h.slices)
	forEachSlice(vals, h.workers, newSample1D, func(s *sample1D, l int) float64 {
		w := dirs[l*d : (l+1)*d]
		s.a = projectHyperbolic(s.a, x, w, h.projection)
		s.b = projectHyperbolic(s.b, y, w, h.projection)
		s.wa = copyWeights(s.wa, wx)
		s.wb = copyWeights(s.wb, wy)
		return s.sortedPow(h.p)
	})
	return newEstimate(vals, h.p), nil
}

// projectHyperbolic returns dst (reused when long enough) holding the
// coordinate of each row of x along the direction (0, w).
//
// Far from the origin x_0 - s (s = <x_1:, w>) cancels catastrophically, so
// both coordinates use the hyperboloid identity (x_0 - s)(x_0 + s) =
// 1 + |x_perp|^2, with x_perp = x_1: - s w, which keeps full precision:
//
//	artanh(s / x_0) = sign(s) (log(x_0 + |s|) - log(1 + |x_perp|^2) / 2),
//	log(x_0 - s)    = log(1 + |x_perp|^2) - log(x_0 + s)   when s > 0.
func projectHyperbolic(dst []float64, x *mat.Dense, w []float64, proj HyperbolicProjection) []float64 {
	raw := x.RawMatrix()
	dst = grow(dst, raw.Rows)
	for i := range dst {
		row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		x0, space := row[0], row[1:]
		s := 0.0
		for k, v := range w {
			s += v * space[k]
		}
		perp2 := 0.0
		for k, v := range w {
			e := space[k] - s*v
			perp2 += e * e
		}
		if proj == HorosphericalProjection {
			if s <= 0 {
				dst[i] = math.Log(x0 - s)
			} else {
				dst[i] = math.Log1p(perp2) - math.Log(x0+s)
			}
			continue
		}
		t := max(math.Log(x0+math.Abs(s))-0.5*math.Log1p(perp2), 0)
		dst[i] = math.Copysign(t, s)
	}
	return dst
}

// CheckLorentz checks that every row x of the matrix is a point of the
// Lorentz model: x_0 > 0 and |-x_0^2 + x_1^2 + ... + x_d^2 + 1| <= tol x_0^2.
// It returns an error wrapping ErrDomain naming the first bad point.
func CheckLorentz(x *mat.Dense, tol float64) error {
	if x == nil || x.IsEmpty() {
		return fmt.Errorf("%w: no points", ErrEmpty)
	}
	n, cols := x.Dims()
	if cols < 2 {
		return fmt.Errorf("%w: %d column, want d+1 >= 2 Lorentz coordinates", ErrDimension, cols)
	}
	for i := range n {
		row := x.RawRowView(i)
		x0 := row[0]
		if !(x0 > 0) || math.IsInf(x0, 1) {
			return fmt.Errorf("%w: point %d has x_0 = %v, want x_0 > 0 (upper sheet)", ErrDomain, i, x0)
		}
		q := -x0 * x0
		for _, v := range row[1:] {
			q += v * v
		}
		if !(math.Abs(q+1) <= tol*x0*x0) {
			return fmt.Errorf("%w: point %d has Lorentz norm %v, want -1 (tolerance %g x_0^2)", ErrDomain, i, q, tol)
		}
	}
	return nil
}

// PoincareToLorentz maps points of the Poincare ball (rows of d columns,
// norm < 1) to the Lorentz model: x = ((1 + |y|^2), 2 y) / (1 - |y|^2). It
// writes into dst (n x (d+1)) and returns it; a nil dst allocates.
func PoincareToLorentz(dst, ball *mat.Dense) (*mat.Dense, error) {
	if ball == nil || ball.IsEmpty() {
		return nil, fmt.Errorf("%w: no points", ErrEmpty)
	}
	n, d := ball.Dims()
	dst, err := destination(dst, n, d+1)
	if err != nil {
		return nil, err
	}
	for i := range n {
		y := ball.RawRowView(i)
		r2 := 0.0
		for _, v := range y {
			r2 += v * v
		}
		if !(r2 < 1) {
			return nil, fmt.Errorf("%w: point %d has norm %v, want a point of the open unit ball", ErrDomain, i, math.Sqrt(r2))
		}
		out := dst.RawRowView(i)
		out[0] = (1 + r2) / (1 - r2)
		for k, v := range y {
			out[k+1] = 2 * v / (1 - r2)
		}
	}
	return dst, nil
}

// LorentzToPoincare maps points of the Lorentz model (rows of d+1 columns)
// to the Poincare ball: y = x_1: / (1 + x_0). It writes into dst (n x d) and
// returns it; a nil dst allocates. The points are checked with CheckLorentz
// and tolerance LorentzTol.
func LorentzToPoincare(dst, x *mat.Dense) (*mat.Dense, error) {
	if err := CheckLorentz(x, LorentzTol); err != nil {
		return nil, err
	}
	n, cols := x.Dims()
	dst, err := destination(dst, n, cols-1)
	if err != nil {
		return nil, err
	}
	for i := range n {
		row := x.RawRowView(i)
		out := dst.RawRowView(i)
		for k, v := range row[1:] {
			out[k] = v / (1 + row[0])
		}
	}
	return dst, nil
}

// destination returns dst, or a new r x c matrix when dst is nil.
func destination(dst *mat.Dense, r, c int) (*mat.Dense, error) {
	if dst == nil {
		return mat.NewDense(r, c, nil), nil
	}
	if dr, dc := dst.Dims(); dr != r || dc != c {
		return nil, fmt.Errorf("%w: destination is %d x %d, want %d x %d", ErrDimension, dr, dc, r, c)
	}
	return dst, nil
}
