package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"

	"pivsr/internal/floattensor"
)

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		want   string // substring of the error; empty: valid
	}{
		{"default", func(*Config) {}, ""},
		{"gabor float64", func(c *Config) { c.Filter, c.DType = Gabor, dtypes.Float64 }, ""},
		{"dtype defaults to float32", func(c *Config) { c.DType = dtypes.InvalidDType }, ""},
		{"unknown filter", func(c *Config) { c.Filter = 7 }, "unknown filter"},
		{"no filters", func(c *Config) { c.Filters = 0 }, "Filters"},
		{"no hidden units", func(c *Config) { c.Hidden = 0 }, "Hidden"},
		{"zero scale", func(c *Config) { c.InputScale = 0 }, "InputScale"},
		{"NaN scale", func(c *Config) { c.InputScale = math.NaN() }, "InputScale"},
		{"gabor without alpha", func(c *Config) { c.Filter, c.GaborAlpha = Gabor, 0 }, "GaborAlpha"},
		{"integer dtype", func(c *Config) { c.DType = dtypes.Int32 }, "DType"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.modify(&cfg)
			net, err := NewNetwork(cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			case tc.want == "" && net.Config().DType != dtypes.Float32 && cfg.DType != dtypes.Float64:
				t.Fatalf("dtype %s, want float32", net.Config().DType)
			}
		})
	}
}

// TestInitialisation checks the documented initial distributions' bounds,
// the parameter count and that the seed alone determines the parameters.
func TestInitialisation(t *testing.T) {
	for _, filter := range []Filter{Fourier, Gabor} {
		t.Run(filter.String(), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Filter, cfg.Filters, cfg.Hidden, cfg.InputScale = filter, 4, 64, 50
			net, err := NewNetwork(cfg)
			if err != nil {
				t.Fatal(err)
			}
			k, h := 4, 64
			perFilter := 3 * h
			if filter == Gabor {
				perFilter = 6 * h
			}
			if got, want := net.NumParameters(), k*perFilter+(k-1)*(h*h+h)+2*h+2; got != want {
				t.Errorf("NumParameters = %d, want %d", got, want)
			}
			omegaBound := cfg.InputScale / math.Sqrt(float64(k)) / math.Sqrt2
			var gammas []float64
			for _, f := range net.filters {
				phase := mustFlat(t, f.phase)
				checkBound(t, "phase", phase, math.Pi)
				omega := mustFlat(t, f.omega)
				if filter == Fourier {
					checkBound(t, "omega", omega, omegaBound)
					checkSpread(t, "omega", omega, omegaBound)
					continue
				}
				gamma := mustFlat(t, f.gamma)
				gammas = append(gammas, gamma...)
				for j, w := range omega { // Omega scaled by sqrt(gamma)
					if math.Abs(w) > omegaBound*math.Sqrt(gamma[j/2]) {
						t.Fatalf("gabor omega[%d] = %g exceeds %g sqrt(gamma)", j, w, omegaBound)
					}
				}
				checkBound(t, "mu", mustFlat(t, f.mu), 1)
			}
			if filter == Gabor {
				// Gamma(alpha/k, rate beta) has mean alpha/(k beta) = 1.5 and std sqrt(alpha/k)/beta ~ 1.22.
				mean := 0.0
				for _, g := range gammas {
					if !(g > 0) {
						t.Fatalf("gamma %g not positive", g)
					}
					mean += g / float64(len(gammas))
				}
				if want := cfg.GaborAlpha / float64(k) / cfg.GaborBeta; math.Abs(mean-want) > 0.25 {
					t.Errorf("mean gamma %.3f, want about %.3f", mean, want)
				}
			}
			bound := 1 / math.Sqrt(float64(h))
			for _, l := range append(slices.Clone(net.hidden), net.output) {
				checkBound(t, "weights", mustFlat(t, l.weights), bound)
				checkSpread(t, "weights", mustFlat(t, l.weights), bound)
				checkBound(t, "bias", mustFlat(t, l.bias), bound)
			}

			same, err := NewNetwork(cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Seed++
			other, err := NewNetwork(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range net.variables() {
				a := mustFlat(t, v)
				if !slices.Equal(a, mustFlat(t, same.variables()[i])) {
					t.Errorf("%s differs between two networks with the same seed", v.Path())
				}
				if slices.Equal(a, mustFlat(t, other.variables()[i])) {
					t.Errorf("%s equal for two seeds", v.Path())
				}
			}
		})
	}
}

// mustFlat returns a variable's value as float64s.
func mustFlat(t *testing.T, v interface{ MustValue() *tensors.Tensor }) []float64 {
	t.Helper()
	values, err := floattensor.Values(v.MustValue())
	if err != nil {
		t.Fatal(err)
	}
	return values
}

// checkBound fails if any value exceeds the bound in magnitude.
func checkBound(t *testing.T, name string, values []float64, bound float64) {
	t.Helper()
	for i, v := range values {
		if math.Abs(v) > bound*(1+1e-6) {
			t.Fatalf("%s[%d] = %g outside [-%g, %g]", name, i, v, bound, bound)
		}
	}
}

// checkSpread fails unless uniform draws fill their range: the largest
// magnitude exceeds 0.9 of the bound and the mean is near zero.
func checkSpread(t *testing.T, name string, values []float64, bound float64) {
	t.Helper()
	largest, mean := 0.0, 0.0
	for _, v := range values {
		largest = max(largest, math.Abs(v))
		mean += v / float64(len(values))
	}
	if largest < 0.9*bound || math.Abs(mean) > 0.2*bound {
		t.Errorf("%s: max |value| %g and mean %g do not look like U(-%g, %g)", name, largest, mean, bound, bound)
	}
}

// TestTangentsMatchFiniteDifferences checks the forward-mode derivatives
// against central differences of the network's own output, with the phases
// on the host and in the graph.
func TestTangentsMatchFiniteDifferences(t *testing.T) {
	backend := testBackend(t)
	rng := rand.New(rand.NewPCG(11, 12))
	const n, eps = 50, 1e-6
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i], y[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
	}
	shift := func(c []float64, d float64) []float64 {
		out := make([]float64, len(c))
		for i, v := range c {
			out[i] = v + d
		}
		return out
	}
	for _, filter := range []Filter{Fourier, Gabor} {
		net, err := NewNetwork(smallConfig(filter))
		if err != nil {
			t.Fatal(err)
		}
		var reference *Prediction
		for _, hostPhases := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/hostPhases=%v", filter, hostPhases), func(t *testing.T) {
				p, err := NewPredictor(backend, net)
				if err != nil {
					t.Fatal(err)
				}
				p.hostPhases = hostPhases
				predict := func(x, y []float64, derivatives bool) *Prediction {
					pred, err := p.Predict(x, y, derivatives)
					if err != nil {
						t.Fatal(err)
					}
					return pred
				}
				got := predict(x, y, true)
				values := predict(x, y, false)
				xp, xm := predict(shift(x, eps), y, false), predict(shift(x, -eps), y, false)
				yp, ym := predict(x, shift(y, eps), false), predict(x, shift(y, -eps), false)
				for i := range n {
					for _, c := range []struct {
						name          string
						got, plus, mn []float64
					}{
						{"du/dx", got.DUDX, xp.U, xm.U}, {"dv/dx", got.DVDX, xp.V, xm.V},
						{"du/dy", got.DUDY, yp.U, ym.U}, {"dv/dy", got.DVDY, yp.V, ym.V},
					} {
						fd := (c.plus[i] - c.mn[i]) / (2 * eps)
						if math.Abs(fd-c.got[i]) > 1e-6*(1+math.Abs(fd)) {
							t.Fatalf("point %d: %s = %.9g, finite difference %.9g", i, c.name, c.got[i], fd)
						}
					}
					if got.U[i] != values.U[i] || got.V[i] != values.V[i] {
						t.Fatalf("point %d: values differ between tangent and value evaluation: (%g, %g) vs (%g, %g)",
							i, got.U[i], got.V[i], values.U[i], values.V[i])
					}
				}
				if reference == nil {
					reference = got
					return
				}
				for i := range n { // host and graph phases agree
					if math.Abs(got.U[i]-reference.U[i]) > 1e-12 || math.Abs(got.DVDY[i]-reference.DVDY[i]) > 1e-10 {
						t.Fatalf("point %d: host and graph phases disagree: u %g vs %g, dv/dy %g vs %g",
							i, reference.U[i], got.U[i], reference.DVDY[i], got.DVDY[i])
					}
				}
			})
		}
	}
}

// TestPredictChunks checks that predictions do not depend on how the points
// are split into padded chunks.
func TestPredictChunks(t *testing.T) {
	backend := testBackend(t)
	cfg := smallConfig(Fourier)
	net, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPredictor(backend, net)
	if err != nil {
		t.Fatal(err)
	}
	n := predictChunk + 37
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i], y[i] = math.Sin(float64(i)), math.Cos(float64(3*i))
	}
	all, err := p.Predict(x, y, false)
	if err != nil {
		t.Fatal(err)
	}
	tail, err := p.Predict(x[n-50:], y[n-50:], false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if all.U[n-50+i] != tail.U[i] || all.V[n-50+i] != tail.V[i] {
			t.Fatalf("point %d: (%g, %g) in one call, (%g, %g) alone", n-50+i, all.U[n-50+i], all.V[n-50+i], tail.U[i], tail.V[i])
		}
	}
	if _, err := p.Predict(x, y[:3], false); err == nil {
		t.Error("Predict accepted 3 y for many x")
	}
}
