package nf

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"gonum.org/v1/gonum/mat"
)

// Improvement reports what a [GaussianPreserving] map changed in a flow T,
// measured on held-out points x: the transport costs E|x - T(x)|^2 and
// E|x - G(T(x))|^2, and the mean negative log-density of x under T and
// under G o T (equal if G preserves N(0, I); MaxNLLChange is the largest
// change at any one point).
type Improvement struct {
	CostBefore, CostAfter float64
	NLLBefore, NLLAfter   float64
	MaxNLLChange          float64
}

// Improve trains gp on the training points (paired with their images by
// the trained flow T) and evaluates the change on the test points.
func Improve(backend compute.Backend, flow *RealNVP, gp *GaussianPreserving, train, test *mat.Dense, cfg TrainConfig) (Improvement, error) {
	if flow.Dim() != gp.cfg.Dim {
		return Improvement{}, fmt.Errorf("%w: flow of dimension %d, map of dimension %d", ErrConfig, flow.Dim(), gp.cfg.Dim)
	}
	zTrain, _, err := flow.Forward(backend, train)
	if err != nil {
		return Improvement{}, err
	}
	if _, err := gp.Fit(backend, train, zTrain, cfg); err != nil {
		return Improvement{}, err
	}
	z, logDetT, err := flow.Forward(backend, test)
	if err != nil {
		return Improvement{}, err
	}
	gz, err := gp.Apply(backend, z)
	if err != nil {
		return Improvement{}, err
	}
	logDetG, err := gp.LogDet(backend, z, 1e-5)
	if err != nil {
		return Improvement{}, err
	}
	n, d := z.Dims()
	var imp Improvement
	c := 0.5 * float64(d) * math.Log(2*math.Pi)
	for i := range n {
		before := c + 0.5*mat.Dot(z.RowView(i), z.RowView(i)) - logDetT[i]
		after := c + 0.5*mat.Dot(gz.RowView(i), gz.RowView(i)) - logDetG[i] - logDetT[i]
		imp.NLLBefore += before / float64(n)
		imp.NLLAfter += after / float64(n)
		imp.MaxNLLChange = math.Max(imp.MaxNLLChange, math.Abs(after-before))
	}
	imp.CostBefore = MeanSquaredDistance(test, z)
	imp.CostAfter = MeanSquaredDistance(test, gz)
	return imp, nil
}
