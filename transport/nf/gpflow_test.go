package nf

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/gonum/mat"
)

func TestErfInvGraph(t *testing.T) {
	backend := goBackend(t)
	ys := []float64{-0.999999999, -0.99, -0.5, -1e-9, 0, 0.3, 0.9, 0.9999}
	out, err := model.CallOnce(backend, model.NewStore(), func(_ *model.Scope, y *Node) *Node { return ErfInvGraph(y) },
		tensors.FromFlatDataAndDimensions(append([]float64(nil), ys...), len(ys)))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float64](out)
	for i, y := range ys {
		if want := math.Erfinv(y); math.Abs(got[i]-want) > 1e-8*math.Max(1, math.Abs(want)) {
			t.Errorf("erfinv(%v) = %v, want %v", y, got[i], want)
		}
	}
}

// TestGaussianPreservingKeepsDensity checks, for a map with random
// (untrained) weights, the defining identity N(G(z)) |det DG(z)| = N(z) at
// every point, up to the RK4 error, which must fall like h^4 (so by about
// 16 when the steps double), and that G is not the identity.
func TestGaussianPreservingKeepsDensity(t *testing.T) {
	backend := goBackend(t)
	z := StandardNormal(200, 3, 3)
	var worst []float64
	for _, steps := range []int{10, 20} {
		gp, err := NewGaussianPreserving(GPConfig{Dim: 3, Hidden: 8, RK4Steps: steps, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		// Random output weights: a non-trivial field.
		w2 := StandardNormal(8, 3, 7)
		w2.Scale(0.3, w2)
		if err := gp.w2.SetValue(tensors.FromFlatDataAndDimensions(denseData(w2), 8, 3)); err != nil {
			t.Fatal(err)
		}
		gz, err := gp.Apply(backend, z)
		if err != nil {
			t.Fatal(err)
		}
		logDet, err := gp.LogDet(backend, z, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		if moved := MeanSquaredDistance(z, gz); moved < 1e-2 {
			t.Fatalf("mean squared displacement %v: the map is (nearly) the identity", moved)
		}
		w := 0.0
		for i := range 200 {
			change := 0.5*mat.Dot(gz.RowView(i), gz.RowView(i)) - logDet[i] - 0.5*mat.Dot(z.RowView(i), z.RowView(i))
			w = math.Max(w, math.Abs(change))
		}
		worst = append(worst, w)
	}
	t.Logf("largest change of -log density: %.3g (10 RK4 steps), %.3g (20 steps)", worst[0], worst[1])
	if worst[1] > 1e-2 || worst[1] > worst[0]/8 {
		t.Errorf("largest change of -log density %v (10 steps), %v (20 steps): want below 1e-2 and falling like h^4", worst[0], worst[1])
	}
}

// TestImproveLowersCost trains a small flow on eight Gaussians, then a
// Gaussian-preserving map, and checks that the cost falls while the density
// stays the same.
func TestImproveLowersCost(t *testing.T) {
	backend := goBackend(t)
	train, _ := EightGaussians(2000, 1)
	test, _ := EightGaussians(500, 2)
	flow, err := New(Config{Dim: 2, Layers: 6, Hidden: 16, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flow.Fit(backend, train, TrainConfig{Steps: 250, Batch: 128, LearningRate: 1e-2, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	gp, err := NewGaussianPreserving(GPConfig{Dim: 2, Hidden: 16, RK4Steps: 6, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Improve(backend, flow, gp, train, test, TrainConfig{Steps: 80, Batch: 64, LearningRate: 3e-2, Seed: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", imp)
	if !(imp.CostAfter < 0.9*imp.CostBefore) {
		t.Errorf("cost %v -> %v, want a fall of at least 10%%", imp.CostBefore, imp.CostAfter)
	}
	if math.Abs(imp.NLLAfter-imp.NLLBefore) > 0.01*math.Abs(imp.NLLBefore) || imp.MaxNLLChange > 1e-2 {
		t.Errorf("NLL %v -> %v (max change %v), want equal", imp.NLLBefore, imp.NLLAfter, imp.MaxNLLChange)
	}
}

// The gradient of ErfInvGraph is 1/erf'(x) = sqrt(pi)/2 exp(x^2), at 0 too.
func TestErfInvGradient(t *testing.T) {
	backend := goBackend(t)
	ys := []float64{0, 0.5, -0.99}
	out, err := model.CallOnce(backend, model.NewStore(), func(_ *model.Scope, y *Node) *Node {
		return Gradient(ReduceAllSum(ErfInvGraph(y)), y)[0]
	}, tensors.FromFlatDataAndDimensions(append([]float64(nil), ys...), len(ys)))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float64](out)
	for i, y := range ys {
		x := math.Erfinv(y)
		if want := math.Sqrt(math.Pi) / 2 * math.Exp(x*x); math.Abs(got[i]-want) > 1e-6*want {
			t.Errorf("d erfinv/dy at %v = %v, want %v", y, got[i], want)
		}
	}
}
