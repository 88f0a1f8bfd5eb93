package cli

import (
	"path/filepath"
	"strconv"
	"testing"

	"pivsr/data"
)

// A generated DNS records its dissipation and forcing as attributes, the
// names `pivsr temporal` reads for its residual: the decaying run its
// automatic order-4 hyperviscosity, the forced one its drag and Kolmogorov
// forcing too.
func TestGenDNSAttributes(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		flow   string
		forced bool
	}{{"turbulence", false}, {"forced", true}} {
		path := filepath.Join(dir, c.flow+".h5")
		if code, _, stderr := run(t, "gen", "-flow", c.flow, "-n", "16", "-turnovers", "0.5", "-o", path); code != ExitOK {
			t.Fatalf("gen -flow %s: exit %d: %s", c.flow, code, stderr)
		}
		ds, err := data.Load(path, data.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		a := ds.Attrs
		nuP, err := strconv.ParseFloat(a["hyperviscosity"], 64)
		if err != nil || !(nuP > 0) || a["hyperviscosity_order"] != "4" || a["viscosity"] != "0" {
			t.Errorf("%s: attributes %v: want viscosity 0 and a positive hyperviscosity of order 4", c.flow, a)
		}
		_, drag := a["drag"]
		if c.forced != drag || c.forced != (a["forcing_amplitude"] == "1" && a["forcing_wavenumber"] == "4") {
			t.Errorf("%s: attributes %v: want drag and the Kolmogorov forcing (A 1, K 4) exactly when forced", c.flow, a)
		}
	}
}
