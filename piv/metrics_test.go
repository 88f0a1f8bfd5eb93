package piv

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tgTruth is a Taylor-Green vortex of amplitude 1 on 33 x 33 nodes over one
// period; its largest component is 1 at (pi/2, 0) and elsewhere.
func tgTruth() *Field {
	return analyticField(UniformGrid(33, 33, 0, 0, 2*math.Pi/32, 2*math.Pi/32), taylorGreen)
}

func truthScale(f *Field) float64 {
	m := 0.0
	for k := range f.U {
		m = max(m, math.Abs(f.U[k]), math.Abs(f.V[k]))
	}
	return m
}

func mustEvaluate(t *testing.T, est, truth *Field, opt MetricOptions) *Metrics {
	t.Helper()
	m, err := Evaluate(est, truth, opt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func within(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestMetricsOfIdenticalFields(t *testing.T) {
	truth := tgTruth()
	m := mustEvaluate(t, truth.Clone(), truth, MetricOptions{})
	if m.Scored != truth.Len() || !within(m.Scale, 1, 1e-12) {
		t.Errorf("scored %d vectors at scale %v, want %d at 1", m.Scored, m.Scale, truth.Len())
	}
	if m.Rec != 0 || m.NRMSE != 0 || !within(m.AngularErrorDeg, 0, 1e-6) || m.SpectrumLogError != 0 {
		t.Errorf("identical fields: rec %v, NRMSE %v, angle %v, spectrum %v; want 0", m.Rec, m.NRMSE, m.AngularErrorDeg, m.SpectrumLogError)
	}
}

func TestMetricsOfUniformOffset(t *testing.T) {
	truth := analyticField(UniformGrid(24, 20, 0, 0, 0.3, 0.3), func(x, y float64) (float64, float64) {
		return 2 * math.Sin(x) * math.Cos(y), -2 * math.Cos(x) * math.Sin(y)
	})
	const c = 0.3
	est := truth.Clone()
	var sumSq float64
	for k := range est.U {
		est.U[k] += c
		sumSq += truth.U[k]*truth.U[k] + truth.V[k]*truth.V[k]
	}
	m := mustEvaluate(t, est, truth, MetricOptions{})
	s := truthScale(truth)
	// One component off by c / s everywhere: the mean over both is half its square.
	if want := 0.5 * (c / s) * (c / s); !within(m.Rec, want, 1e-12) {
		t.Errorf("rec = %v, want %v", m.Rec, want)
	}
	if want := math.Sqrt(float64(truth.Len()) * c * c / sumSq); !within(m.NRMSE, want, 1e-12) {
		t.Errorf("NRMSE = %v, want %v", m.NRMSE, want)
	}
	// A uniform offset lives in the k = 0 mode only.
	if !within(m.SpectrumLogError, 0, 1e-18) {
		t.Errorf("spectrum log error = %v, want 0", m.SpectrumLogError)
	}
}

func TestMetricsOfRotatedField(t *testing.T) {
	// Unit vectors of varying direction, rotated by theta. After dividing by
	// the scale s every vector has length 1/s, so the space-time angle is
	// acos((cos(theta)/s^2 + 1) / (1/s^2 + 1)) at every node.
	g := UniformGrid(16, 12, 0, 0, 0.2, 0.2)
	dir := func(x, y float64) float64 { return 0.3 + x - 2*y }
	truth := analyticField(g, func(x, y float64) (float64, float64) { return math.Cos(dir(x, y)), math.Sin(dir(x, y)) })
	s := truthScale(truth)
	for _, theta := range []float64{0.1, math.Pi / 2, math.Pi} {
		est := analyticField(g, func(x, y float64) (float64, float64) {
			return math.Cos(dir(x, y) + theta), math.Sin(dir(x, y) + theta)
		})
		m := mustEvaluate(t, est, truth, MetricOptions{})
		want := math.Acos((math.Cos(theta)/(s*s)+1)/(1/(s*s)+1)) * 180 / math.Pi
		if !within(m.AngularErrorDeg, want, 1e-9) {
			t.Errorf("rotation %v: angular error %v deg, want %v", theta, m.AngularErrorDeg, want)
		}
	}
	// The classic value: a unit field (s = 1) turned by 90 degrees is 60 degrees off.
	east := analyticField(g, func(x, y float64) (float64, float64) { return 1, 0 })
	north := analyticField(g, func(x, y float64) (float64, float64) { return 0, 1 })
	if m := mustEvaluate(t, north, east, MetricOptions{}); !within(m.AngularErrorDeg, 60, 1e-9) {
		t.Errorf("east vs north: angular error %v deg, want 60", m.AngularErrorDeg)
	}
}

func TestMetricsDivergenceTerms(t *testing.T) {
	// Linear flow of expansion alpha and rotation beta on [0, 3] x [0, 2]:
	// div = 2 alpha, vorticity = 2 beta everywhere. Normalised by s and with
	// coordinates divided by half the longer side (1.5) both scale by 1.5 / s.
	g := UniformGrid(16, 11, 0, 0, 0.2, 0.2)
	const alpha, beta = -0.4, 1.3
	f := analyticField(g, func(x, y float64) (float64, float64) { return alpha*x - beta*y, beta*x + alpha*y })
	s := truthScale(f)
	for _, b := range []int{0, 2} {
		m := mustEvaluate(t, f.Clone(), f, MetricOptions{Border: b})
		if want := 2 * math.Abs(alpha) * 1.5 / s; !within(m.MeanAbsDivergence, want, 1e-9) {
			t.Errorf("border %d: mean |div| = %v, want %v", b, m.MeanAbsDivergence, want)
		}
		if want := math.Abs(alpha / beta); !within(m.DivergenceToVorticity, want, 1e-9) {
			t.Errorf("border %d: rms div / rms vorticity = %v, want %v", b, m.DivergenceToVorticity, want)
		}
	}
}

func TestMetricsSpectrumLogError(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	truth := NewField(UniformGrid(32, 32, 0, 0, 1, 1))
	for k := range truth.U {
		truth.U[k], truth.V[k] = rng.NormFloat64(), rng.NormFloat64()
	}
	est := truth.Clone()
	for k := range est.U {
		est.U[k] *= 2
		est.V[k] *= 2
	}
	// Doubling the velocity quadruples every shell's energy.
	m := mustEvaluate(t, est, truth, MetricOptions{})
	if want := math.Log(4) * math.Log(4); !within(m.SpectrumLogError, want, 1e-9) {
		t.Errorf("spectrum log error = %v, want (ln 4)^2 = %v", m.SpectrumLogError, want)
	}
}

func TestMetricsInteriorAndMaskedTruth(t *testing.T) {
	truth := tgTruth()
	const b = 2
	est := truth.Clone()
	nx, ny := truth.NX(), truth.NY()
	for j := range ny {
		for i := range nx {
			if i < b || j < b || i >= nx-b || j >= ny-b {
				est.U[truth.Index(i, j)] += 0.5 // damage the border only
			}
		}
	}
	full := mustEvaluate(t, est, truth, MetricOptions{})
	inner := mustEvaluate(t, est, truth, MetricOptions{Border: b})
	if full.Rec == 0 || full.SpectrumLogError == 0 {
		t.Errorf("full grid misses the damaged border: rec %v, spectrum %v", full.Rec, full.SpectrumLogError)
	}
	if inner.Scored != (nx-2*b)*(ny-2*b) || inner.Rec != 0 || inner.NRMSE != 0 || inner.SpectrumLogError != 0 {
		t.Errorf("interior: %d scored, rec %v, NRMSE %v, spectrum %v; want %d and zeros",
			inner.Scored, inner.Rec, inner.NRMSE, inner.SpectrumLogError, (nx-2*b)*(ny-2*b))
	}

	// Nodes where the truth is invalid are not scored, whatever the estimate holds.
	masked := tgTruth()
	est = masked.Clone()
	masked.Mask = make([]bool, masked.Len())
	for k := range masked.Mask {
		masked.Mask[k] = k%5 != 0
		if !masked.Mask[k] {
			est.U[k] = 100
		}
	}
	if m := mustEvaluate(t, est, masked, MetricOptions{}); m.Rec != 0 || m.Scored != masked.NumValid() {
		t.Errorf("masked truth: rec %v over %d vectors, want 0 over %d", m.Rec, m.Scored, masked.NumValid())
	}
}

func TestMetricsOnHeldOutVectors(t *testing.T) {
	truth := tgTruth()
	holdout := make([]bool, truth.Len())
	n := 0
	for k := range holdout {
		holdout[k] = k%9 == 4
		if holdout[k] {
			n++
		}
	}
	const c = 0.2
	est := truth.Clone()
	for k := range est.U {
		if !holdout[k] {
			est.V[k] -= 3 // the fitted vectors do not count
		}
	}
	m := mustEvaluate(t, est, truth, MetricOptions{Holdout: holdout})
	if m.Scored != n || m.Rec != 0 || !within(m.AngularErrorDeg, 0, 1e-6) {
		t.Errorf("held out: %d scored, rec %v, angle %v; want %d, 0, 0", m.Scored, m.Rec, m.AngularErrorDeg, n)
	}
	if !math.IsNaN(m.MeanAbsDivergence) || !math.IsNaN(m.DivergenceToVorticity) || !math.IsNaN(m.SpectrumLogError) {
		t.Errorf("held out: field terms %v, %v, %v; want NaN", m.MeanAbsDivergence, m.DivergenceToVorticity, m.SpectrumLogError)
	}
	for k := range est.U {
		est.U[k] = truth.U[k] + c
	}
	m = mustEvaluate(t, est, truth, MetricOptions{Holdout: holdout})
	if want := 0.5 * c * c / (m.Scale * m.Scale); !within(m.Rec, want, 1e-12) {
		t.Errorf("held out with offset: rec %v, want %v", m.Rec, want)
	}
}

func TestMetricsRejectBadInput(t *testing.T) {
	truth := tgTruth()
	other := analyticField(UniformGrid(33, 33, 0, 0, 0.1, 0.1), taylorGreen)
	holed := truth.Clone()
	holed.U[40] = math.NaN()
	for name, c := range map[string]struct {
		est, truth *Field
		opt        MetricOptions
	}{
		"different grids":    {other, truth, MetricOptions{}},
		"missing estimate":   {holed, truth, MetricOptions{}},
		"border too wide":    {truth, truth, MetricOptions{Border: 17}},
		"negative border":    {truth, truth, MetricOptions{Border: -1}},
		"short holdout mask": {truth, truth, MetricOptions{Holdout: make([]bool, 5)}},
		"truth at rest":      {truth, NewField(truth.Grid), MetricOptions{}},
		"nothing held out":   {truth, truth, MetricOptions{Holdout: make([]bool, truth.Len())}},
	} {
		if _, err := Evaluate(c.est, c.truth, c.opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestInteriorSpectrumErrorSeesMissingSmallScales(t *testing.T) {
	// A periodic field with energy up to wavenumber 24, and the same field
	// without its modes above 8: cropping the interior breaks periodicity,
	// yet the windowed interior spectra must still tell the two apart.
	n := 96
	h := 2 * math.Pi / float64(n)
	g := UniformGrid(n, n, 0, 0, h, h)
	truth, smooth := NewField(g), NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			k := g.Index(i, j)
			for m := 1; m <= 24; m++ {
				a := math.Pow(float64(m), -1.5)
				c := a * math.Cos(float64(m)*x+float64(m%5)*y+float64(m))
				truth.U[k] += c
				truth.V[k] -= c * float64(m) / float64(m%5+1)
				if m <= 8 {
					smooth.U[k] += c
					smooth.V[k] -= c * float64(m) / float64(m%5+1)
				}
			}
		}
	}
	m, err := Evaluate(smooth, truth, MetricOptions{Border: 8})
	if err != nil {
		t.Fatal(err)
	}
	if m.SpectrumLogError < 1 {
		t.Errorf("interior spectrum error %v of a field missing its small scales, want well above 1", m.SpectrumLogError)
	}
	same, err := Evaluate(truth, truth, MetricOptions{Border: 8})
	if err != nil || same.SpectrumLogError != 0 {
		t.Errorf("interior spectrum error of the truth against itself = %v, %v; want 0", same.SpectrumLogError, err)
	}
}
