package nf

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"gonum.org/v1/gonum/mat"

	"pivsr/transport"
)

// EarthDatasets names the four Earth event sets (Mathieu & Nickel 2020,
// reused by Bonet et al. 2023), in the order they are reported.
var EarthDatasets = []string{"fire", "flood", "quakes", "volerup"}

// EarthFile returns the file name of an Earth dataset ("quakes" is
// quakes_all.csv), or "" for an unknown name.
func EarthFile(name string) string {
	switch name {
	case "fire", "flood", "volerup":
		return name + ".csv"
	case "quakes":
		return "quakes_all.csv"
	}
	return ""
}

// LoadEarth reads an Earth event file: comment lines starting with '#',
// one header line, then one "latitude, longitude" row (degrees) per event,
// columns read by position. It returns the events as unit vectors of R^3,
// x = cos(lat) cos(lon), y = cos(lat) sin(lon), z = sin(lat).
func LoadEarth(path string) (*mat.Dense, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []float64
	header := false
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !header {
			header = true
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s:%d: %q: want latitude, longitude", path, line, text)
		}
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(fields[0]), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(fields[1]), 64)
		if err1 != nil || err2 != nil || !(math.Abs(lat) <= 90) || !(math.Abs(lon) <= 360) {
			return nil, fmt.Errorf("%s:%d: %q: want latitude in [-90, 90] and longitude in degrees", path, line, text)
		}
		p := LatLonToSphere(lat, lon)
		rows = append(rows, p[:]...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no events after the header", path)
	}
	return mat.NewDense(len(rows)/3, 3, rows), nil
}

// LatLonToSphere returns the unit vector of latitude lat and longitude lon
// (degrees).
func LatLonToSphere(lat, lon float64) [3]float64 {
	phi, lam := lat*math.Pi/180, lon*math.Pi/180
	return [3]float64{math.Cos(phi) * math.Cos(lam), math.Cos(phi) * math.Sin(lam), math.Sin(phi)}
}

// SphereDensity is a trained or trainable flow of S^2 onto itself with an
// exact density: [ExpFlow] or [SphereFlow].
type SphereDensity interface {
	// FitSSW trains the flow to push the rows of x to the uniform law.
	FitSSW(backend compute.Backend, x *mat.Dense, cfg SSWConfig) ([]float64, error)
	// LogDensity returns log p for each row of x (area measure).
	LogDensity(backend compute.Backend, x *mat.Dense) ([]float64, error)
	// Push returns the image of each row of x, close to uniform once trained.
	Push(backend compute.Backend, x *mat.Dense) (*mat.Dense, error)
}

// Flow architectures of [EarthConfig].
const (
	ArchExp   = "exp"   // [ExpFlow], the default
	ArchChart = "chart" // [SphereFlow]
)

// EarthConfig sets [RunEarth].
type EarthConfig struct {
	Arch         string    // ArchExp (""), or ArchChart
	Exp          ExpConfig // the exponential-map flow
	Flow         Config    // the chart flow's plane RealNVP (Dim ignored); zero Layers, Hidden: 6, 24
	SSW          SSWConfig // the training; zero fields take the architecture's defaults
	TestFraction float64   // 0: 0.3
	ValFraction  float64   // part of the training split scoring the KDE's kappa; 0: 0.2
	Seed         uint64    // seed of the split (the flow and training have their own)
}

// EarthResult is the outcome of [RunEarth]. NLLs are mean -log p in nats
// with respect to the area measure of the unit sphere.
type EarthResult struct {
	NTrain, NTest           int
	FlowTrain, FlowTest     float64
	KDETrain, KDETest       float64 // KDETrain leaves each point out of its own estimate
	Kappa                   float64 // the KDE's concentration
	Uniform                 float64 // log(4 pi)
	SSWTest                 float64 // SSW_2^2(T_# test, uniform), 1000 circles
	SSWInit                 float64 // the same before training (near the identity: the data themselves)
	FlowSeconds, KDESeconds float64
	Flow                    SphereDensity
	Train, Test             *mat.Dense
}

// RunEarth splits the events x (unit vectors) at random into train and
// test parts, trains a flow (cfg.Arch: an [ExpFlow] by default, or a
// [SphereFlow]) on the train part by SSW to the uniform law, fits a von Mises-Fisher KDE whose kappa is chosen on a validation
// part of the train split, and scores both, and the uniform law, on both
// parts.
func RunEarth(backend compute.Backend, x *mat.Dense, cfg EarthConfig) (*EarthResult, error) {
	if err := checkSphere3(x); err != nil {
		return nil, err
	}
	if cfg.TestFraction == 0 {
		cfg.TestFraction = 0.3
	}
	if cfg.ValFraction == 0 {
		cfg.ValFraction = 0.2
	}
	if cfg.Flow.Layers == 0 {
		cfg.Flow.Layers = 6
	}
	if cfg.Flow.Hidden == 0 {
		cfg.Flow.Hidden = 24
	}
	n, _ := x.Dims()
	if n < 10 || !(cfg.TestFraction > 0 && cfg.TestFraction < 1) || !(cfg.ValFraction > 0 && cfg.ValFraction < 1) {
		return nil, fmt.Errorf("%w: RunEarth of %d events (want >= 10), test fraction %v, validation fraction %v",
			ErrConfig, n, cfg.TestFraction, cfg.ValFraction)
	}
	res := &EarthResult{Uniform: -LogUniformSphere}
	res.Train, res.Test = SplitRows(x, cfg.TestFraction, cfg.Seed)
	res.NTrain, _ = res.Train.Dims()
	res.NTest, _ = res.Test.Dims()

	start := time.Now()
	var flow SphereDensity
	switch cfg.Arch {
	case ArchExp, "":
		f, err := NewExpFlow(cfg.Exp)
		if err != nil {
			return nil, err
		}
		flow = f
	case ArchChart:
		f, err := NewSphereFlow(cfg.Flow)
		if err != nil {
			return nil, err
		}
		if err := f.FitChart(res.Train, cfg.SSW.Standardise); err != nil {
			return nil, err
		}
		flow = f
	default:
		return nil, fmt.Errorf("%w: flow architecture %q, want %q or %q", ErrConfig, cfg.Arch, ArchExp, ArchChart)
	}
	ssw := transport.NewSphericalSliced(1000).Seed(cfg.Seed + 1)
	var err error
	if res.SSWInit, err = pushedSSW(backend, flow, res.Test, ssw); err != nil {
		return nil, err
	}
	if _, err := flow.FitSSW(backend, res.Train, cfg.SSW); err != nil {
		return nil, err
	}
	res.Flow = flow
	if res.FlowTrain, err = meanNLL(backend, flow, res.Train); err != nil {
		return nil, err
	}
	if res.FlowTest, err = meanNLL(backend, flow, res.Test); err != nil {
		return nil, err
	}
	if res.SSWTest, err = pushedSSW(backend, flow, res.Test, ssw); err != nil {
		return nil, err
	}
	res.FlowSeconds = time.Since(start).Seconds()

	start = time.Now()
	kde, err := FitVMFKDE(res.Train, cfg.ValFraction, cfg.Seed+2)
	if err != nil {
		return nil, err
	}
	res.Kappa = kde.Kappa
	res.KDETrain = -mean(kde.LogDensity(res.Train, true))
	res.KDETest = -mean(kde.LogDensity(res.Test, false))
	res.KDESeconds = time.Since(start).Seconds()
	return res, nil
}

// pushedSSW returns the estimate of SSW_2^2(T_# x, uniform).
func pushedSSW(backend compute.Backend, flow SphereDensity, x *mat.Dense, ssw *transport.SphericalSliced) (float64, error) {
	y, err := flow.Push(backend, x)
	if err != nil {
		return 0, err
	}
	renormalise(y)
	est, err := ssw.PowToUniform(y, nil)
	if err != nil {
		return 0, err
	}
	return est.Pow, nil
}

// renormalise scales the rows of y to unit length (undoing rounding).
func renormalise(y *mat.Dense) {
	n, _ := y.Dims()
	for i := range n {
		r := y.RawRowView(i)
		s := 1 / math.Sqrt(r[0]*r[0]+r[1]*r[1]+r[2]*r[2])
		r[0], r[1], r[2] = r[0]*s, r[1]*s, r[2]*s
	}
}

// meanNLL returns the mean of -log p over the rows of x, in nats.
func meanNLL(backend compute.Backend, flow SphereDensity, x *mat.Dense) (float64, error) {
	logP, err := flow.LogDensity(backend, x)
	if err != nil {
		return 0, err
	}
	return -mean(logP), nil
}

// DensityGrid returns the log-density of f on the equirectangular grid of
// w x h pixel centres, row-major from the north (latitude 90 - 90/h) and
// from longitude -180 + 180/w eastwards: the picture of the density as a map.
func DensityGrid(backend compute.Backend, f SphereDensity, w, h int) ([]float64, error) {
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("%w: density grid %dx%d", ErrConfig, w, h)
	}
	x := mat.NewDense(w*h, 3, nil)
	for r := range h {
		lat := 90 - 180*(float64(r)+0.5)/float64(h)
		for c := range w {
			p := LatLonToSphere(lat, -180+360*(float64(c)+0.5)/float64(w))
			x.SetRow(r*w+c, p[:])
		}
	}
	return f.LogDensity(backend, x)
}
