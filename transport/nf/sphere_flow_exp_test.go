package nf

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"pivsr/transport"

	"gonum.org/v1/gonum/mat"
)

// randomExpFlow returns a flow whose blocks are far from the identity:
// weights near the diffeomorphism bound and sharp bumps.
func randomExpFlow(t *testing.T) *ExpFlow {
	t.Helper()
	f, err := NewExpFlow(ExpConfig{Blocks: 3, Components: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range f.blocks {
		vals := make([]float64, 5)
		for i := range vals {
			vals[i] = 1.5 // alpha_k = e^1.5 / (1 + 5 e^1.5), sum 0.96
		}
		if err := b.a.SetValue(tensors.FromFlatDataAndDimensions(vals, 1, 5)); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestExpFlowDensity checks the closed-form area factor two ways on a flow
// far from the identity: the density integrates to 1 by quadrature, and
// the log-density matches the area of the pushed image of a small
// triangle around each of a few points (finite differences).
func TestExpFlowDensity(t *testing.T) {
	backend := goBackend(t)
	f := randomExpFlow(t)
	x, w := sphereQuadrature(96, [3]float64{0, 0, 1})
	logP, err := f.LogDensity(backend, x)
	if err != nil {
		t.Fatal(err)
	}
	spread := 0.0
	for _, l := range logP {
		spread = math.Max(spread, math.Abs(l-LogUniformSphere))
	}
	if spread < 0.5 {
		t.Fatalf("flow too close to uniform (max |log p - log u| %v): the test would prove little", spread)
	}
	if got := integrate(logP, w); math.Abs(got-1) > 2e-3 {
		t.Errorf("integral of the density %v, want 1", got)
	}
	// Finite differences: triangles of side h at points p, pushed.
	const h = 1e-5
	pts := FibonacciSphere(7)
	var tri []float64
	for i := range 7 {
		p := [3]float64{pts.At(i, 0), pts.At(i, 1), pts.At(i, 2)}
		fr := poleFrame(p)
		tri = append(tri, p[:]...)
		for _, e := range [][3]float64{fr[0], fr[1]} {
			q := [3]float64{p[0] + h*e[0], p[1] + h*e[1], p[2] + h*e[2]}
			nq := math.Sqrt(q[0]*q[0] + q[1]*q[1] + q[2]*q[2])
			tri = append(tri, q[0]/nq, q[1]/nq, q[2]/nq)
		}
	}
	xt := mat.NewDense(21, 3, tri)
	y, err := f.Push(backend, xt)
	if err != nil {
		t.Fatal(err)
	}
	lp, _ := f.LogDensity(backend, xt)
	for i := range 7 {
		a, b, c := y.RawRowView(3*i), y.RawRowView(3*i+1), y.RawRowView(3*i+2)
		u := [3]float64{b[0] - a[0], b[1] - a[1], b[2] - a[2]}
		v := [3]float64{c[0] - a[0], c[1] - a[1], c[2] - a[2]}
		cr := [3]float64{u[1]*v[2] - u[2]*v[1], u[2]*v[0] - u[0]*v[2], u[0]*v[1] - u[1]*v[0]}
		fd := math.Log(math.Sqrt(cr[0]*cr[0]+cr[1]*cr[1]+cr[2]*cr[2])/(h*h)) + LogUniformSphere
		if math.Abs(fd-lp[3*i]) > 1e-3 {
			t.Errorf("point %d: log p %v, finite differences %v", i, lp[3*i], fd)
		}
	}
}

// TestExpFlowSSW trains a small exponential-map flow by SSW alone, with the
// cosine rate decay, on a vMF mixture: its held-out NLL approaches the
// truth's, well below the uniform law's, and SSW_2^2 of the pushed points
// falls.
func TestExpFlowSSW(t *testing.T) {
	backend := goBackend(t)
	train, _ := VMFMixture(3000, threeVMF, 1)
	test, _ := VMFMixture(1500, threeVMF, 2)
	flow, err := NewExpFlow(ExpConfig{Blocks: 24, Components: 6, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ssw := transport.NewSphericalSliced(500).Seed(3)
	before, err := pushedSSW(backend, flow, test, ssw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flow.FitSSW(backend, train, SSWConfig{Steps: 200, Batch: 512, Circles: 50, FinalRate: 0.01, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	after, err := pushedSSW(backend, flow, test, ssw)
	if err != nil {
		t.Fatal(err)
	}
	nll, err := meanNLL(backend, flow, test)
	if err != nil {
		t.Fatal(err)
	}
	truth := -mean(VMFMixtureLogDensity(test, threeVMF))
	t.Logf("test NLL %.3f (truth %.3f, uniform %.3f); SSW2 %.2e -> %.2e", nll, truth, -LogUniformSphere, before, after)
	if !(nll < truth+0.5) {
		t.Errorf("flow test NLL %v, want within 0.5 of the truth's %v (uniform %v)", nll, truth, -LogUniformSphere)
	}
	if !(after < 0.2*before) {
		t.Errorf("SSW2 of the pushed test points %v -> %v, want divided by 5", before, after)
	}
}

// TestSSWRate checks the cosine decay of the learning rate and the
// rejection of a final rate above the initial one.
func TestSSWRate(t *testing.T) {
	c := SSWConfig{Steps: 101, LearningRate: 0.1, FinalRate: 0.001}
	if r := c.rate(0); r != 0.1 {
		t.Errorf("rate(0) %v, want 0.1", r)
	}
	if r := c.rate(100); math.Abs(r-0.001) > 1e-15 {
		t.Errorf("last rate %v, want 0.001", r)
	}
	if r := c.rate(50); math.Abs(r-0.0505) > 1e-12 {
		t.Errorf("middle rate %v, want 0.0505", r)
	}
	for k := range 100 {
		if c.rate(k+1) > c.rate(k) {
			t.Fatalf("rate rises at step %d", k)
		}
	}
	if r := (SSWConfig{Steps: 10, LearningRate: 0.1}).rate(9); r != 0.1 {
		t.Errorf("constant rate %v, want 0.1", r)
	}
	x := FibonacciSphere(10)
	if err := (SSWConfig{Steps: 10, Batch: 4, Circles: 2, LearningRate: 0.1, FinalRate: 0.2}).check(x); err == nil {
		t.Error("final rate above the initial one: no error")
	}
}

// BenchmarkExpFlowSSWStep times one SSW training step of the
// exponential-map flow with the defaults of `pivsr ot earth` (48 blocks of
// 6 components, batch 1024, 200 great circles).
func BenchmarkExpFlowSSWStep(b *testing.B) {
	backend := goBackend(b)
	x, _ := VMFMixture(4000, threeVMF, 1)
	flow, err := NewExpFlow(ExpConfig{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := flow.FitSSW(backend, x, SSWConfig{Steps: 1}); err != nil { // warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := flow.FitSSW(backend, x, SSWConfig{Steps: b.N}); err != nil {
		b.Fatal(err)
	}
}

// TestSSWRateApplied checks that the step's rate reaches Adam: two steps
// whose second has a rate of 1e-12 leave the parameters where one step
// does, while two constant-rate steps move them on.
func TestSSWRateApplied(t *testing.T) {
	backend := goBackend(t)
	x, _ := VMFMixture(200, threeVMF, 1)
	params := func(cfg SSWConfig) []float64 {
		f, err := NewExpFlow(ExpConfig{Blocks: 1, Components: 2, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.FitSSW(backend, x, cfg); err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float64](f.blocks[0].mu.MustValue())
	}
	one := params(SSWConfig{Steps: 1, Batch: 64, Circles: 5, Seed: 2})
	decayed := params(SSWConfig{Steps: 2, Batch: 64, Circles: 5, FinalRate: 1e-12, Seed: 2})
	constant := params(SSWConfig{Steps: 2, Batch: 64, Circles: 5, Seed: 2})
	far := 0.0
	for i := range one {
		if math.Abs(one[i]-decayed[i]) > 1e-9 {
			t.Errorf("parameter %d: %v after one step, %v after a second at rate 1e-12", i, one[i], decayed[i])
		}
		far = math.Max(far, math.Abs(one[i]-constant[i]))
	}
	if !(far > 1e-3) {
		t.Errorf("a second constant-rate step moved the parameters by %v only", far)
	}
}
