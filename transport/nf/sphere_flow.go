package nf

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/gonum/mat"
)

// LogUniformSphere is the log-density of the uniform law on the unit
// sphere S^2 with respect to its area measure, -log(4 pi).
var LogUniformSphere = -math.Log(4 * math.Pi)

// SphereFlow is a normalising flow of the sphere S^2 onto itself whose
// latent law is the uniform one: T = G^-1 o R o G o Q, with Q a fixed
// rotation taking a pole chosen in an empty region of the data to the
// south pole, G a radial chart of the sphere less that pole onto the plane,
// and R a [RealNVP] of the plane. G keeps the azimuth and sends the point
// at angle theta from the north pole to the radius
//
//	r = sqrt(-4 log cos(theta/2)),
//
// the radius whose N(0, I) mass equals the uniform mass of the cap: G
// pushes the uniform law of S^2 to N(0, I) exactly, so R is an ordinary
// Gaussian-latent flow of the charted data, and with R the identity T is
// the identity (the uniform law). (The stereographic chart would ask R to
// map the data onto the Cauchy-tailed image of the uniform law, which
// affine couplings, being asymptotically affine, fit poorly.) The density
// is exact:
//
//	log p(x) = -log(4 pi) + log |det dR/dw| + (|w|^2 - |R(w)|^2) / 2,  w = G(Q x).
//
// Only the pole itself is left out of the chart (a null set). Where R's far
// field contracts, the density is singular (integrably) at the pole, which
// FitSSW puts where the data are not. Build it with [NewSphereFlow]; train
// it with [SphereFlow.FitSSW].
type SphereFlow struct {
	nvp *RealNVP
	rot *mat.Dense // Q, 3 x 3: its last row is minus the pole
}

// NewSphereFlow returns a flow with the pole at the south pole and a fresh
// RealNVP of the plane (cfg.Dim is ignored: it is 2), which starts as the
// identity: the flow is the uniform law until trained. [SphereFlow.FitSSW]
// moves the pole away from the data.
func NewSphereFlow(cfg Config) (*SphereFlow, error) {
	cfg.Dim = 2
	nvp, err := New(cfg)
	if err != nil {
		return nil, err
	}
	f := &SphereFlow{nvp: nvp}
	if err := f.SetPole([3]float64{0, 0, -1}); err != nil {
		return nil, err
	}
	return f, nil
}

// Pole returns the point of the sphere left out of the chart.
func (f *SphereFlow) Pole() [3]float64 {
	return [3]float64{-f.rot.At(2, 0), -f.rot.At(2, 1), -f.rot.At(2, 2)}
}

// SetPole sets the rotation Q that takes p (normalised here) to the south
// pole (0, 0, -1).
func (f *SphereFlow) SetPole(p [3]float64) error {
	n := math.Sqrt(p[0]*p[0] + p[1]*p[1] + p[2]*p[2])
	if !(n > 0) || math.IsInf(n, 0) {
		return fmt.Errorf("%w: pole %v, want a finite non-zero vector", ErrConfig, p)
	}
	q := poleFrame([3]float64{p[0] / n, p[1] / n, p[2] / n})
	f.rot = mat.NewDense(3, 3, append(append(q[0][:], q[1][:]...), q[2][:]...))
	return nil
}

// poleFrame returns the rows of a rotation taking the unit vector p to
// (0, 0, -1): a right-handed orthonormal frame (a, b, -p).
func poleFrame(p [3]float64) [3][3]float64 {
	w := [3]float64{-p[0], -p[1], -p[2]}
	// a: the unit vector orthogonal to w built from the axis least aligned with it.
	k := 0
	for i := 1; i < 3; i++ {
		if math.Abs(w[i]) < math.Abs(w[k]) {
			k = i
		}
	}
	var a [3]float64
	a[k] = 1
	dot, s := w[k], 0.0
	for i := range a {
		a[i] -= dot * w[i]
		s += a[i] * a[i]
	}
	s = math.Sqrt(s)
	for i := range a {
		a[i] /= s
	}
	b := [3]float64{w[1]*a[2] - w[2]*a[1], w[2]*a[0] - w[0]*a[2], w[0]*a[1] - w[1]*a[0]}
	return [3][3]float64{a, b, w}
}

// Chart returns the plane coordinates w = G(Q x) [N, 2] of the rows of x
// (unit vectors of R^3). Rows at the pole itself map to the radius
// sqrt(-2 log(1e-15 / 2)), about 8.4, instead of infinity.
func (f *SphereFlow) Chart(x *mat.Dense) (*mat.Dense, error) {
	if err := checkSphere3(x); err != nil {
		return nil, err
	}
	n, _ := x.Dims()
	var r mat.Dense
	r.Mul(x, f.rot.T())
	w := mat.NewDense(n, 2, nil)
	for i := range n {
		row := r.RawRowView(i)
		z := math.Max(-1+1e-15, math.Min(1, row[2]))
		radius := math.Sqrt(-2 * math.Log1p((z-1)/2)) // cos^2(theta/2) = (1 + z) / 2
		if s := math.Hypot(row[0], row[1]); s > 0 {
			w.Set(i, 0, radius*row[0]/s)
			w.Set(i, 1, radius*row[1]/s)
		}
	}
	return w, nil
}

// checkSphere3 checks that x holds unit vectors of R^3, one per row.
func checkSphere3(x *mat.Dense) error {
	n, d := x.Dims()
	if d != 3 || n < 1 {
		return fmt.Errorf("%w: got %d points of dimension %d, want points of S^2 in R^3", ErrConfig, n, d)
	}
	for i := range n {
		r := x.RawRowView(i)
		if norm := math.Sqrt(r[0]*r[0] + r[1]*r[1] + r[2]*r[2]); !(math.Abs(norm-1) < 1e-6) {
			return fmt.Errorf("%w: point %d has norm %v, want a unit vector", ErrConfig, i, norm)
		}
	}
	return nil
}

// graphs returns, for chart points w [N, 2], the image T(x) on the sphere
// in the rotated frame [N, 3] and log p(x) [N]. The inverse chart of
// v = R(w): with e = exp(-|v|^2 / 2) = cos^2(theta/2), the point is
// (2 sqrt(e) sqrt((1 - e) / |v|^2) v, 2 e - 1).
func (f *SphereFlow) graphs(w *Node) (y, logP *Node) {
	v, logDet := f.nvp.ForwardGraph(w)
	w2 := ReduceSum(Square(w), 1)
	v2 := ReduceSum(Square(v), 1)
	logP = AddScalar(Add(logDet, MulScalar(Sub(w2, v2), 0.5)), LogUniformSphere)
	n := v2.Shape().Dimensions[0]
	e := Exp(MulScalar(v2, -0.5))
	// |v|^2 floored at 1e-8, where (1 - e)/|v|^2 is 1/2 to 1e-8 anyway: keeps
	// sqrt and its gradient finite at v = 0.
	v2f := MaxScalar(v2, 1e-8)
	// sqrt(e) as exp(-|v|^2 / 4): e underflows to 0 far out, where the
	// gradient of Sqrt would be infinite.
	k := Mul(MulScalar(Exp(MulScalar(v2, -0.25)), 2), Sqrt(Div(OneMinus(Exp(MulScalar(v2f, -0.5))), v2f)))
	y = Concatenate([]*Node{Mul(v, Reshape(k, n, 1)), Reshape(AddScalar(MulScalar(e, 2), -1), n, 1)}, 1)
	return y, logP
}

// eval runs the flow on the rows of x: T(x) in the original frame and
// log p(x).
func (f *SphereFlow) eval(backend compute.Backend, x *mat.Dense) (*mat.Dense, []float64, error) {
	u, err := f.Chart(x)
	if err != nil {
		return nil, nil, err
	}
	n, _ := u.Dims()
	out, err := model.CallOnceN(backend, f.nvp.store, func(_ *model.Scope, in *Node) []*Node {
		y, logP := f.graphs(in)
		return []*Node{y, logP}
	}, tensors.FromFlatDataAndDimensions(denseData(u), n, 2))
	if err != nil {
		return nil, nil, fmt.Errorf("nf: evaluating the sphere flow: %w", err)
	}
	yRot := mat.NewDense(n, 3, tensors.MustCopyFlatData[float64](out[0]))
	logP := tensors.MustCopyFlatData[float64](out[1])
	for _, o := range out {
		o.FinalizeAll()
	}
	var y mat.Dense
	y.Mul(yRot, f.rot) // back to the original frame: Q^T y for each row
	return &y, logP, nil
}

// LogDensity returns log p(x) for each row of x (unit vectors of R^3), with
// respect to the area measure of the unit sphere.
func (f *SphereFlow) LogDensity(backend compute.Backend, x *mat.Dense) ([]float64, error) {
	_, logP, err := f.eval(backend, x)
	return logP, err
}

// Push returns T(x) for the rows of x: for a trained flow these are close
// to uniform on the sphere.
func (f *SphereFlow) Push(backend compute.Backend, x *mat.Dense) (*mat.Dense, error) {
	y, _, err := f.eval(backend, x)
	return y, err
}

// MeanNLL returns the mean of -log p over the rows of x, in nats.
func (f *SphereFlow) MeanNLL(backend compute.Backend, x *mat.Dense) (float64, error) {
	return meanNLL(backend, f, x)
}
