package nf

import (
	"math"
	"testing"
)

// TestVMFSampler: the mean cosine to the mean direction of a vMF law on
// S^2 is coth(kappa) - 1/kappa.
func TestVMFSampler(t *testing.T) {
	for _, kappa := range []float64{0.5, 5, 200} {
		mu := [3]float64{0.3, -0.4, 0.8}
		x, _ := VMFMixture(20000, []VMFComponent{{Weight: 1, Mu: mu, Kappa: kappa}}, 4)
		n := math.Sqrt(0.09 + 0.16 + 0.64)
		m := 0.0
		for i := range 20000 {
			r := x.RawRowView(i)
			if math.Abs(r[0]*r[0]+r[1]*r[1]+r[2]*r[2]-1) > 1e-12 {
				t.Fatalf("draw %v is not a unit vector", r)
			}
			m += (r[0]*mu[0] + r[1]*mu[1] + r[2]*mu[2]) / n / 20000
		}
		want := 1/math.Tanh(kappa) - 1/kappa
		if math.Abs(m-want) > 4*math.Sqrt(1-want*want)/math.Sqrt(20000)+1e-4 {
			t.Errorf("kappa %v: mean cosine %v, want %v", kappa, m, want)
		}
	}
}

// TestVMFKDE: the KDE's density integrates to 1; the likelihood-chosen
// kappa scores held-out points of a vMF mixture close to the true density
// and far better than the uniform law; leaving points out costs likelihood.
func TestVMFKDE(t *testing.T) {
	train, _ := VMFMixture(3000, threeVMF, 1)
	test, _ := VMFMixture(1000, threeVMF, 2)
	kde, err := FitVMFKDE(train, 0.2, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, w := sphereQuadrature(80, [3]float64{0, 0, 1})
	if mass := integrate(kde.LogDensity(x, false), w); math.Abs(mass-1) > 1e-4 {
		t.Errorf("KDE integrates to %v", mass)
	}
	nll := -mean(kde.LogDensity(test, false))
	truth := -mean(VMFMixtureLogDensity(test, threeVMF))
	loo, in := -mean(kde.LogDensity(train, true)), -mean(kde.LogDensity(train, false))
	t.Logf("kappa %.1f: test NLL %.4f, truth %.4f; train LOO %.4f, in-sample %.4f", kde.Kappa, nll, truth, loo, in)
	if !(nll < truth+0.1) || !(nll > truth-0.05) {
		t.Errorf("KDE test NLL %v, want within 0.1 of the truth's %v", nll, truth)
	}
	if !(loo > in) {
		t.Errorf("leave-one-out NLL %v, in-sample %v: want the first larger", loo, in)
	}
	if _, err := FitVMFKDE(train, 1.5, 1); err == nil {
		t.Error("validation fraction 1.5: no error")
	}
}
