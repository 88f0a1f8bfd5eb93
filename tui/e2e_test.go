package tui

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEnd builds the pivsr binary and checks, as a user would see it,
// that no command queries the terminal at start-up and that the workstation
// works in a tmux pane.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end tests skipped in -short mode")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pivsr")
	build := exec.Command("go", "build", "-o", bin, "pivsr")
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("startup", func(t *testing.T) { testStartup(t, bin) })
	t.Run("tmux", func(t *testing.T) { testTmux(t, bin, dir) })
}

// testStartup checks that Bubble Tea's init cannot query the terminal: the
// package that hides TERM from it is initialised first (see package
// termquiet), and under a pseudo-terminal that never answers, `pivsr
// version` writes no query and does not wait for a reply.
func testStartup(t *testing.T, bin string) {
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pivsr version: %v\n%s", err, out)
	}
	trace := string(out)
	quiet, tea := strings.Index(trace, "init pivsr/tui/internal/termquiet "), strings.Index(trace, "init github.com/charmbracelet/bubbletea ")
	if quiet < 0 || tea < 0 || quiet > tea {
		t.Fatalf("termquiet must be initialised before Bubble Tea (positions %d and %d in the init trace):\n%s", quiet, tea, trace)
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Log("script(1) is absent: start-up under a silent pseudo-terminal not checked")
		return
	}
	start := time.Now()
	cmd = exec.Command(script, "-qc", bin+" version", "/dev/null")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("script: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "\x1b]11;?") || strings.Contains(string(out), "\x1b[6n") {
		t.Errorf("pivsr version queried the terminal: %q", out)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("pivsr version took %v under a silent pseudo-terminal", d)
	}
}

// testTmux drives the real pivsr binary in a tmux pane, as a user in a
// terminal would: open a generated field, switch quantities, export a PNG,
// quit. It asserts on the pane's text and on the exported file.
func testTmux(t *testing.T, bin, dir string) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: the end-to-end test of the terminal workstation needs it (./dev installs it)")
	}
	gen := exec.Command(bin, "gen", "-flow", "taylor-green", "-n", "64", "-o", "f.h5")
	gen.Dir = dir
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("pivsr gen: %v\n%s", err, out)
	}

	sock := filepath.Join(dir, "tmux.sock")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-S", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// The pane runs the workstation, then reports its exit status and
	// stays open so that it can be read.
	run("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "-c", dir,
		"./pivsr open f.h5; echo EXITED=$?; sleep 60")
	t.Cleanup(func() { exec.Command(tmux, "-S", sock, "kill-server").Run() })

	pane := func() string { return run("capture-pane", "-p", "-t", "e2e") }
	waitFor := func(what ...string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			screen := pane()
			ok := true
			for _, w := range what {
				ok = ok && strings.Contains(screen, w)
			}
			if ok {
				return screen
			}
			if time.Now().After(deadline) {
				t.Fatalf("the pane never showed %q:\n%s", what, screen)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	keys := func(k ...string) { run(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

	screen := waitFor("speed [1] · f.h5", "x, y [1]", "ω ")
	if !strings.Contains(screen, "▀") {
		t.Errorf("the heatmap should be drawn with half blocks:\n%s", screen)
	}
	keys("4")
	waitFor("vorticity [1] · f.h5")
	keys("+")
	waitFor("zoom 2x")
	keys("p")
	waitFor("save PNG as: f-vorticity.png")
	keys("Enter")
	waitFor("wrote PNG f-vorticity.png")
	keys("q")
	waitFor("EXITED=0")

	f, err := os.Open(filepath.Join(dir, "f-vorticity.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the export is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("the PNG is %v", b)
	}
}
