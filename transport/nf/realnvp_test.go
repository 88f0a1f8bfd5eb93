package nf

import (
	"math"
	"testing"

	"github.com/gomlx/compute"
	"gonum.org/v1/gonum/mat"

	"pivsr/models"
)

func goBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, _, err := models.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFitLowersNLL trains tiny flows on the toy targets and checks that the
// held-out NLL drops well below that of the initial flow (a standardised
// Gaussian) and that samples have the data's moments.
func TestFitLowersNLL(t *testing.T) {
	backend := goBackend(t)
	for _, tc := range []struct {
		name string
		gen  func(n int, seed uint64) (*mat.Dense, error)
		drop float64 // required fall of the held-out NLL below the Gaussian fit's
	}{
		{"eight gaussians", EightGaussians, 0.5},
		{"two moons", func(n int, seed uint64) (*mat.Dense, error) { return TwoMoons(n, 0.05, seed) }, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			train, _ := tc.gen(2000, 1)
			test, _ := tc.gen(1000, 2)
			flow, err := New(Config{Dim: 2, Layers: 6, Hidden: 16, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			losses, err := flow.Fit(backend, train, TrainConfig{Steps: 250, Batch: 128, LearningRate: 1e-2, Seed: 4})
			if err != nil {
				t.Fatal(err)
			}
			// The identity flow after standardisation is the Gaussian fit.
			gauss, err := New(Config{Dim: 2, Layers: 1, Hidden: 1})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := gauss.Fit(backend, train, TrainConfig{Steps: 0}); err != nil {
				t.Fatal(err)
			}
			before, err := gauss.MeanNLL(backend, test)
			if err != nil {
				t.Fatal(err)
			}
			after, err := flow.MeanNLL(backend, test)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("held-out NLL: Gaussian %.3f, flow %.3f (last batch loss %.3f)", before, after, losses[len(losses)-1])
			if !(after < before-tc.drop) {
				t.Errorf("held-out NLL %.3f, want below %.3f - %.1f", after, before, tc.drop)
			}
			sample, err := flow.Sample(backend, 4000, 5)
			if err != nil {
				t.Fatal(err)
			}
			for j := range 2 {
				ms, ss := moments(mat.Col(nil, j, sample))
				md, sd := moments(mat.Col(nil, j, test))
				if math.Abs(ms-md) > 0.15*sd || math.Abs(ss-sd) > 0.15*sd {
					t.Errorf("coordinate %d: sample mean %.3f std %.3f, data %.3f %.3f", j, ms, ss, md, sd)
				}
			}
		})
	}
}

// TestInverseRoundTrip checks T^-1(T(x)) = x and that the log-determinants
// of the two directions cancel, on an untrained, randomised flow.
func TestInverseRoundTrip(t *testing.T) {
	backend := goBackend(t)
	flow, err := New(Config{Dim: 5, Layers: 4, Hidden: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	x := StandardNormal(50, 5, 2)
	// A few steps make the coupling layers non-trivial.
	if _, err := flow.Fit(backend, x, TrainConfig{Steps: 20, Batch: 16, LearningRate: 0.05}); err != nil {
		t.Fatal(err)
	}
	z, ldF, err := flow.Forward(backend, x)
	if err != nil {
		t.Fatal(err)
	}
	back, ldI, err := flow.Inverse(backend, z)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(back, x, 1e-9) {
		t.Errorf("T^-1(T(x)) differs from x")
	}
	nonZero := false
	for i := range ldF {
		if math.Abs(ldF[i]+ldI[i]) > 1e-9 {
			t.Fatalf("row %d: log-determinants %v and %v do not cancel", i, ldF[i], ldI[i])
		}
		nonZero = nonZero || math.Abs(ldF[i]-ldF[0]) > 1e-6
	}
	if !nonZero {
		t.Errorf("log-determinant is the same for every row: the coupling layers did not train")
	}
}

func moments(v []float64) (m, s float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)-1))
}
