package cli

import (
	"context"
	"strings"
	"testing"

	"pivsr/piv"
)

// TestDemoTruthHasEnergyInEveryShell checks that the demo's DNS truth, a
// viscous run on a grid twice as fine with every second node kept, keeps
// energy up to its Nyquist wavenumber, where the generator's default
// hyperviscous run has next to none (its spectrum error is then meaningless).
func TestDemoTruthHasEnergyInEveryShell(t *testing.T) {
	nop := func(string, ...any) {}
	g := genFlags{flow: "turbulence", n: 64, seed: 1, frames: 1, interval: 0.25}
	tail := func(f *piv.Field) float64 {
		e, err := piv.EnergySpectrum(nil, f)
		if err != nil {
			t.Fatal(err)
		}
		return e[g.n/2-1] / e[g.n/8]
	}
	ds, note, err := demoTruth(context.Background(), g, nop)
	if err != nil {
		t.Fatal(err)
	}
	if f := ds.Fields[0]; f.NX() != g.n || f.NY() != g.n || note == "" {
		t.Fatalf("demo truth %d x %d (%q), want %d x %d from a finer DNS", f.NX(), f.NY(), note, g.n, g.n)
	}
	hyper, err := g.generate(context.Background(), nop)
	if err != nil {
		t.Fatal(err)
	}
	resolved, cut := tail(ds.Fields[0]), tail(hyper.Fields[0])
	t.Logf("tail ratio: demo truth %.3g, hyperviscous %.3g", resolved, cut)
	if !(resolved > 1e-5) || !(resolved > 100*cut) {
		t.Errorf("energy at the last shell over shell %d: %.3g for the demo truth, %.3g for the hyperviscous DNS; want a resolved tail", g.n/8, resolved, cut)
	}
}

// TestDemoRefusesADNSTooLarge: the demo's DNS runs at twice -n, so -n 4096,
// which gen accepts, is a usage error before anything is generated.
func TestDemoRefusesADNSTooLarge(t *testing.T) {
	if code, _, stderr := run(t, "demo", "-n", "4096", "-o", t.TempDir()); code != ExitUsage || !strings.Contains(stderr, "-n 4096") {
		t.Errorf("demo -n 4096: exit %d (%s), want a usage error naming -n", code, stderr)
	}
}
