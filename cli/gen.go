package cli

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"time"

	"pivsr/data"
	"pivsr/data/synth"
	"pivsr/piv"
)

func init() {
	register(command{name: "gen", summary: "generate a ground truth: 2D turbulence DNS, Taylor-Green, Lamb-Oseen", run: runGen})
}

// genFlags configure a generated flow; the demo shares them.
type genFlags struct {
	flow      string
	n         int
	seed      uint64
	turnovers float64
	coarse    bool
	frames    int
	interval  float64
	// viscosity, when positive, replaces the DNS's automatic hyperviscosity
	// by plain viscosity (the demo's resolved dissipation range); no flag.
	viscosity float64
}

func (g *genFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.flow, "flow", "turbulence", "turbulence (decaying DNS), forced (Kolmogorov-forced DNS), taylor-green or lamb-oseen")
	fs.IntVar(&g.n, "n", 256, "grid points per side")
	fs.Uint64Var(&g.seed, "seed", 1, "random seed of the DNS initial condition")
	fs.Float64Var(&g.turnovers, "turnovers", 0, "DNS duration in initial eddy turnover times (0: 12 for decaying, 40 for forced)")
	fs.BoolVar(&g.coarse, "coarse", false, "start the DNS on a grid half as fine (about twice as fast, another realisation)")
	fs.IntVar(&g.frames, "frames", 1, "number of snapshots: a time series when above 1")
	fs.Float64Var(&g.interval, "interval", 0.25, "time between snapshots, in initial eddy turnover times")
}

func (g *genFlags) check() error {
	switch g.flow {
	case "turbulence", "forced", "taylor-green", "lamb-oseen":
	default:
		return usagef("-flow %q: want turbulence, forced, taylor-green or lamb-oseen", g.flow)
	}
	switch {
	case g.n < 16 || g.n > 4096 || g.n%2 != 0:
		return usagef("-n %d: want an even size from 16 to 4096", g.n)
	case g.turnovers < 0:
		return usagef("-turnovers %v: want a positive duration (0: default)", g.turnovers)
	case g.frames < 1 || g.frames > 10000:
		return usagef("-frames %d: want 1 to 10000", g.frames)
	case !(g.interval > 0):
		return usagef("-interval %v: want a positive time", g.interval)
	}
	return nil
}

// generate makes the configured flow, reporting DNS progress on log.
func (g *genFlags) generate(ctx context.Context, log func(format string, args ...any)) (*data.Dataset, error) {
	ds := &data.Dataset{Units: piv.Units{Length: "1", Velocity: "1", Time: "1"}, Attrs: map[string]string{"flow": g.flow}}
	switch g.flow {
	case "taylor-green", "lamb-oseen":
		var flow synth.Flow = synth.TaylorGreen{Amplitude: 1, K: 1}
		grid := piv.UniformGrid(g.n, g.n, 0, 0, 2*math.Pi/float64(g.n), 2*math.Pi/float64(g.n))
		if g.flow == "lamb-oseen" {
			flow = synth.LambOseen{Circulation: 1, CoreRadius: 0.5, X0: math.Pi, Y0: math.Pi}
		}
		f, err := synth.Sample(grid, flow)
		if err != nil {
			return nil, err
		}
		for range g.frames {
			ds.Fields = append(ds.Fields, f)
		}
		return ds, nil
	}
	cfg := synth.NewTurbulence(g.n).WithSeed(g.seed)
	turnovers := g.turnovers
	if g.flow == "forced" {
		cfg = cfg.Forced(synth.Kolmogorov{Amplitude: 1, K: 4}).WithDrag(0.05)
		if turnovers == 0 {
			turnovers = 40
		}
	}
	if g.viscosity > 0 {
		cfg = cfg.WithViscosity(g.viscosity).WithHyperviscosity(0, 0)
	}
	if g.coarse {
		cfg = cfg.WithCoarseStart(g.n / 2)
	}
	last := time.Now()
	cfg = cfg.WithProgress(func(p synth.Progress) {
		if time.Since(last) > time.Second {
			last = time.Now()
			log("DNS step %d, t = %.3g, energy %.4g, enstrophy %.4g", p.Step, p.Time, p.Energy, p.Enstrophy)
		}
	})
	sim, err := cfg.Done()
	if err != nil {
		return nil, err
	}
	tau := sim.EddyTurnover()
	if turnovers == 0 {
		turnovers = synth.DefaultTurnovers
	}
	times := make([]float64, g.frames)
	for i := range times {
		times[i] = tau * (turnovers + float64(i)*g.interval)
	}
	series, err := sim.Series(ctx, times)
	if err != nil {
		return nil, err
	}
	ds.Fields, ds.T = series.Frames, series.T
	ds.Attrs["dns"] = fmt.Sprintf("pseudo-spectral 2D Navier-Stokes, %d^2, seed %d, %.3g eddy turnovers", g.n, g.seed, turnovers)
	dnsAttrs(ds.Attrs, sim.Config())
	return ds, nil
}

func runGen(e *env, args []string) error {
	fs := newFlags(e, "gen", "-o OUTPUT", `
Generate a ground-truth velocity field. The DNS flows solve 2D incompressible
Navier-Stokes in vorticity form on a periodic box (pseudo-spectral, 2/3
dealiasing, RK4 with an exact integrating factor): 'turbulence' decays from a
seeded random spectrum, 'forced' is driven by a Kolmogorov forcing with drag.
'taylor-green' and 'lamb-oseen' are analytic vortex flows.`)
	var g genFlags
	var out outputFlags
	g.register(fs)
	out.register(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := firstErr(g.check(), out.check()); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	ds, err := g.generate(ctx, e.logf)
	if err != nil {
		return err
	}
	e.logf("generated %s %dx%d, %d snapshot(s) in %.1f s", g.flow, g.n, g.n, len(ds.Fields), time.Since(start).Seconds())
	return e.save(out, ds)
}

// dnsAttrs records the DNS's dissipation and forcing, in the series' own
// units, under the names `pivsr temporal` reads for its residual:
// viscosity ν, hyperviscosity ν_p of order p (-ν_p (-∇²)^p ω), drag μ, and a
// Kolmogorov forcing's amplitude and wavenumber (other forcings by name
// only, "forcing").
func dnsAttrs(attrs map[string]string, c synth.TurbulenceConfig) {
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	attrs["viscosity"] = num(c.Viscosity)
	if c.HyperOrder > 0 && c.Hyperviscosity > 0 {
		attrs["hyperviscosity"] = num(c.Hyperviscosity)
		attrs["hyperviscosity_order"] = strconv.Itoa(c.HyperOrder)
	}
	if c.Drag > 0 {
		attrs["drag"] = num(c.Drag)
	}
	if c.Forcing != nil {
		attrs["forcing"] = c.Forcing.String()
		if k, ok := c.Forcing.(synth.Kolmogorov); ok {
			attrs["forcing_amplitude"] = num(k.Amplitude)
			attrs["forcing_wavenumber"] = strconv.Itoa(k.K)
		}
	}
}
