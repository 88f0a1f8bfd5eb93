package nf

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"

	"pivsr/transport"
)

// sphereQuadrature returns the nodes (rows) and area weights of a product
// rule on S^2 in polar coordinates about the pole p: Gauss-Legendre in s
// with theta = pi s^6 the angle from p, times 2m equally spaced azimuths.
// A flow's density may be singular at its chart's pole like theta^-a
// (a < 2, integrable); in s the integrand is s^(6 (2 - a) - 1), which the
// rule resolves, where a rule in z about another axis would not.
func sphereQuadrature(m int, p [3]float64) (*mat.Dense, []float64) {
	const k = 6
	s, ws := make([]float64, m), make([]float64, m)
	quad.Legendre{}.FixedLocations(s, ws, 0, 1)
	frame := poleFrame(p) // rows a, b, -p
	x := mat.NewDense(2*m*m, 3, nil)
	w := make([]float64, 0, 2*m*m)
	for i := range m {
		theta := math.Pi * math.Pow(s[i], k)
		wt := ws[i] * k * math.Pi * math.Pow(s[i], k-1)
		st, ct := math.Sin(theta), math.Cos(theta)
		for j := range 2 * m {
			phi := 2 * math.Pi * (float64(j) + 0.5) / float64(2*m)
			c, sn := st*math.Cos(phi), st*math.Sin(phi)
			row := make([]float64, 3)
			for l := range 3 {
				row[l] = c*frame[0][l] + sn*frame[1][l] - ct*frame[2][l]
			}
			x.SetRow(len(w), row)
			w = append(w, wt*st*math.Pi/float64(m))
		}
	}
	return x, w
}

func integrate(logP, w []float64) float64 {
	s := 0.0
	for i, l := range logP {
		s += w[i] * math.Exp(l)
	}
	return s
}

// threeVMF is the synthetic target: three von Mises-Fisher bumps.
var threeVMF = []VMFComponent{
	{Weight: 0.5, Mu: [3]float64{1, 0, 0.3}, Kappa: 20},
	{Weight: 0.3, Mu: [3]float64{-0.5, 0.8, 0.2}, Kappa: 40},
	{Weight: 0.2, Mu: [3]float64{0, -0.6, 0.8}, Kappa: 10},
}

// TestSphereFlowSSW trains a small flow by SSW alone on a vMF mixture: its
// held-out NLL beats the uniform law's by a clear margin, SSW_2^2 of the
// pushed points falls, and the density integrates to 1 by quadrature (the
// chart's area factors are right).
func TestSphereFlowSSW(t *testing.T) {
	backend := goBackend(t)
	train, _ := VMFMixture(3000, threeVMF, 1)
	test, _ := VMFMixture(1500, threeVMF, 2)
	flow, err := NewSphereFlow(Config{Layers: 4, Hidden: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ssw := transport.NewSphericalSliced(500).Seed(3)
	if err := flow.FitChart(train, false); err != nil {
		t.Fatal(err)
	}
	before, err := pushedSSW(backend, flow, test, ssw)
	if err != nil {
		t.Fatal(err)
	}
	nll0, err := flow.MeanNLL(backend, test)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flow.FitSSW(backend, train, SSWConfig{Steps: 800, Batch: 512, Circles: 30, LearningRate: 1e-2, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	after, err := pushedSSW(backend, flow, test, ssw)
	if err != nil {
		t.Fatal(err)
	}
	nll, err := flow.MeanNLL(backend, test)
	if err != nil {
		t.Fatal(err)
	}
	truth := -mean(VMFMixtureLogDensity(test, threeVMF))
	t.Logf("test NLL %.3f -> %.3f (truth %.3f, uniform %.3f); SSW2 %.2e -> %.2e", nll0, nll, truth, -LogUniformSphere, before, after)
	if !(nll < -LogUniformSphere-0.5) || !(nll < nll0-0.2) {
		t.Errorf("flow test NLL %v, want below the uniform law's %v by 0.5 and the initial flow's %v by 0.2", nll, -LogUniformSphere, nll0)
	}
	if !(after < 0.5*before) {
		t.Errorf("SSW2 of the pushed test points %v -> %v, want halved", before, after)
	}
	x, w := sphereQuadrature(200, flow.Pole())
	logP, err := flow.LogDensity(backend, x)
	if err != nil {
		t.Fatal(err)
	}
	if mass := integrate(logP, w); math.Abs(mass-1) > 1e-2 {
		t.Errorf("flow density integrates to %v, want 1", mass)
	}
}

// TestUniformPow2MatchesTransport checks the host closed form and its
// gradient against transport.CircleUniformPow2 (value, and central
// differences of it).
func TestUniformPow2MatchesTransport(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s circleScratch
	for _, n := range []int{1, 2, 7, 100} {
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Mod(0.3+0.2*rng.NormFloat64()+1, 1) // clustered, so W is far from 0
		}
		got := s.uniformPow2(x)
		want, err := transport.CircleUniformPow2(x, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("n=%d: closed form %v, transport %v", n, got, want)
		}
		const h = 1e-7
		for j := range min(n, 5) {
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			xp[j] += h
			xm[j] -= h
			fp, _ := transport.CircleUniformPow2(xp, nil)
			fm, _ := transport.CircleUniformPow2(xm, nil)
			if fd := (fp - fm) / (2 * h); math.Abs(fd-s.grad[j]) > 1e-6 {
				t.Errorf("n=%d: dW/dx_%d = %v, central difference %v", n, j, s.grad[j], fd)
			}
		}
	}
	// A single point: W_2^2 to the uniform law is 1/12 (methods.md).
	if got := s.uniformPow2([]float64{0.37}); math.Abs(got-1.0/12) > 1e-15 {
		t.Errorf("Dirac: %v, want 1/12", got)
	}
}

// TestFramesMatchTransport: averaging the closed form over drawFrames'
// great circles estimates the same SSW_2^2 as transport's
// SphericalSliced.PowToUniform (within their Monte-Carlo errors), so the
// frames are uniform and the circle coordinate is read the same way.
func TestFramesMatchTransport(t *testing.T) {
	x, _ := VMFMixture(400, threeVMF, 5)
	const L = 4000
	u1, u2 := drawFrames(L, rand.New(rand.NewPCG(9, 9)))
	var s circleScratch
	t0 := make([]float64, 400)
	vals := make([]float64, L)
	for l := range L {
		for i := range t0 {
			p := x.RawRowView(i)
			c := p[0]*u1[l] + p[1]*u1[L+l] + p[2]*u1[2*L+l]
			sn := p[0]*u2[l] + p[1]*u2[L+l] + p[2]*u2[2*L+l]
			t0[i] = circleCoordinate(c, sn)
		}
		vals[l] = s.uniformPow2(t0)
	}
	m, v := 0.0, 0.0
	for _, a := range vals {
		m += a / L
	}
	for _, a := range vals {
		v += (a - m) * (a - m) / (L - 1)
	}
	est, err := transport.NewSphericalSliced(L).Seed(4).PowToUniform(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	se := math.Hypot(math.Sqrt(v/L), est.StdErr)
	if math.Abs(m-est.Pow) > 4*se {
		t.Errorf("SSW2 %v ± %v here, %v ± %v in transport", m, math.Sqrt(v/L), est.Pow, est.StdErr)
	}
	for l := range L { // orthonormal frames
		d, n1, n2 := 0.0, 0.0, 0.0
		for i := range 3 {
			d += u1[i*L+l] * u2[i*L+l]
			n1 += u1[i*L+l] * u1[i*L+l]
			n2 += u2[i*L+l] * u2[i*L+l]
		}
		if math.Abs(d) > 1e-12 || math.Abs(n1-1) > 1e-12 || math.Abs(n2-1) > 1e-12 {
			t.Fatalf("frame %d: u1.u2 %v, |u1|^2 %v, |u2|^2 %v", l, d, n1, n2)
		}
	}
}

// TestChartPole: the pole goes to the south pole, the chart inverts, and
// FarthestPoint finds the empty hemisphere of a northern cap of data.
func TestChartPole(t *testing.T) {
	x, _ := VMFMixture(500, []VMFComponent{{Weight: 1, Mu: [3]float64{0, 0, 1}, Kappa: 15}}, 3)
	p := FarthestPoint(x)
	if p[2] > -0.95 {
		t.Errorf("farthest point %v from a cap about the north pole, want near the south pole", p)
	}
	flow, _ := NewSphereFlow(Config{Layers: 1, Hidden: 1})
	pole := [3]float64{0.2, -0.9, 0.3}
	if err := flow.SetPole(pole); err != nil {
		t.Fatal(err)
	}
	var qq mat.Dense
	qq.Mul(flow.rot, flow.rot.T())
	if !mat.EqualApprox(&qq, eye3(), 1e-12) || mat.Det(flow.rot) < 0 {
		t.Errorf("Q is not a rotation: Q Q^T = %v, det %v", mat.Formatted(&qq), mat.Det(flow.rot))
	}
	// A point near the pole charts far out; the antipode charts to 0.
	n := math.Sqrt(0.04 + 0.81 + 0.09)
	far := mat.NewDense(2, 3, []float64{0.2 / n, -0.9 / n, 0.3 / n, -0.2 / n, 0.9 / n, -0.3 / n})
	far.Set(0, 0, far.At(0, 0)+1e-4)
	renormalise(far)
	u, err := flow.Chart(far)
	if err != nil {
		t.Fatal(err)
	}
	if r0, r1 := math.Hypot(u.At(0, 0), u.At(0, 1)), math.Hypot(u.At(1, 0), u.At(1, 1)); r0 < 5 || r1 > 1e-6 {
		t.Errorf("chart radii %v (near the pole) and %v (antipode), want > 5 and 0", r0, r1)
	}
	if _, err := flow.Chart(mat.NewDense(1, 3, []float64{1, 1, 0})); err == nil {
		t.Error("a non-unit point charted without error")
	}
}

func eye3() *mat.Dense { return mat.NewDense(3, 3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}) }
