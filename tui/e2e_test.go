package tui

import (
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
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
	if os.Getenv("GOEXPERIMENT") == "" {
		build.Env = append(build.Env, "GOEXPERIMENT=simd") // the neural field's SIMD kernels
	}
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("startup", func(t *testing.T) { testStartup(t, bin) })
	t.Run("tmux", func(t *testing.T) { testTmux(t, bin, dir) })
	t.Run("training", func(t *testing.T) { testTmuxTraining(t, bin, dir) })
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

	p := startPane(t, tmux, dir, "./pivsr open f.h5")
	waitFor, keys := p.waitFor, p.keys

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

// tmuxPane is a tmux session of one pane running a command in a folder.
type tmuxPane struct {
	t          *testing.T
	tmux, sock string
}

// startPane runs command in a 100x30 tmux pane, which then reports the
// command's exit status and stays open so that it can be read.
func startPane(t *testing.T, tmux, dir, command string) *tmuxPane {
	p := &tmuxPane{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux-"+strings.ReplaceAll(t.Name(), "/", "-")+".sock")}
	p.run("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "-c", dir, command+"; echo EXITED=$?; sleep 60")
	t.Cleanup(func() { exec.Command(tmux, "-S", p.sock, "kill-server").Run() })
	return p
}

func (p *tmuxPane) run(args ...string) string {
	p.t.Helper()
	out, err := exec.Command(p.tmux, append([]string{"-S", p.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (p *tmuxPane) screen() string { return p.run("capture-pane", "-p", "-t", "e2e") }

func (p *tmuxPane) keys(k ...string) { p.run(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

// waitFor polls the pane until it shows every one of what, for up to 10 s.
func (p *tmuxPane) waitFor(what ...string) string {
	p.t.Helper()
	return p.waitUntil(10*time.Second, fmt.Sprintf("%q", what), func(screen string) bool {
		for _, w := range what {
			if !strings.Contains(screen, w) {
				return false
			}
		}
		return true
	})
}

// waitUntil polls the pane until ok accepts it, for up to limit.
func (p *tmuxPane) waitUntil(limit time.Duration, what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		screen := p.screen()
		if ok(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the pane never showed %s:\n%s", what, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// testTmuxTraining opens a generated sparse field with its truth in the
// workstation, switches quantities, trains the neural field on it, watches
// the step counter advance and the loss chart drawn, pauses, resumes from
// the checkpoint, stops, looks at the transport distances and exports the
// reconstruction as a PNG.
func testTmuxTraining(t *testing.T, bin, dir string) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: the end-to-end test of the terminal workstation needs it (./dev installs it)")
	}
	for _, args := range [][]string{
		{"gen", "-flow", "taylor-green", "-n", "64", "-o", "truth.h5"},
		{"sparsify", "truth.h5", "-every", "4", "-o", "sparse.h5"},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pivsr %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// Early stopping is off so that the run lasts until it is stopped. The
	// checkpoints go to a folder of the test's. The smoothness weight comes
	// from its flag to the form and, reported by the engine, to the chart.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	p := startPane(t, tmux, dir, "TMPDIR="+tmp+" ./pivsr open sparse.h5 -truth truth.h5 -method mfn -backend go -hidden 16 -steps 20000 -patience 0 -smooth-weight 1e-9")
	p.waitFor("speed [1] · sparse.h5", "x, y [1]")
	p.keys("4")
	p.waitFor("vorticity [1] · sparse.h5")
	p.keys("3")
	p.waitFor("speed [1] · sparse.h5")

	p.keys("Tab", "Tab")
	p.waitFor("training · idle", "s trains on sparse.h5", "scored against truth.h5", "hidden width      16", "smoothness weight 1e-09")
	p.keys("s")
	p.waitFor("training · running")
	stepRE := regexp.MustCompile(`step (\d+)/20000 · [0-9.]+ steps/s`)
	step := func(screen string) int {
		m := stepRE.FindStringSubmatch(screen)
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	first := step(p.waitUntil(20*time.Second, "a step counter", func(s string) bool { return step(s) > 0 }))
	// Past the first snapshot (every 100 steps), the counter has moved and
	// so has the loss chart, drawn in braille (any cell with a dot: flat
	// curves use only a few patterns).
	screen := p.waitUntil(20*time.Second, "the step counter past 200", func(s string) bool { return step(s) >= max(first+10, 200) })
	if !strings.Contains(screen, "loss per term") || !strings.ContainsFunc(screen, func(r rune) bool { return r > 0x2800 && r <= 0x28ff }) || !strings.Contains(screen, "backend go") {
		t.Errorf("the loss chart and the backend are not drawn:\n%s", screen)
	}
	if !strings.Contains(screen, "smoothness ×1e-09") || !strings.Contains(screen, "divergence ×0.001") {
		t.Errorf("the legend lacks the smoothness term or the weights:\n%s", screen)
	}
	// Pausing keeps a checkpoint; resuming continues from it, so the
	// counter never goes back.
	p.keys("Space")
	screen = p.waitFor("training · paused", "space resumes from the checkpoint")
	m := regexp.MustCompile(`paused at step (\d+)`).FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no step in the pause line:\n%s", screen)
	}
	paused, _ := strconv.Atoi(m[1])
	p.keys("Space")
	p.waitFor("training · running")
	p.waitUntil(20*time.Second, fmt.Sprintf("the step counter past %d", paused), func(s string) bool {
		if n := step(s); n >= 0 && n < paused {
			t.Fatalf("the resumed run went back to step %d from %d:\n%s", n, paused, s)
		}
		return step(s) > paused
	})
	p.keys("x")
	p.waitFor("training · stopped", "training stopped at step")

	p.keys("Tab")
	p.waitFor("transport distances · reconstruction against truth.h5", "SW_2")
	// The Flows panel animates the spherical flow to its end.
	p.keys("Tab")
	p.waitFor("particle flows · idle")
	p.keys("Left", "s")
	p.waitFor("sphere flow finished: 60 steps", "Lambert view from the north pole")
	p.keys("Tab")
	p.waitFor("speed [1] · reconstruction")
	p.keys("p")
	screen = p.waitFor("save PNG as: reconstruction")
	name := regexp.MustCompile(`save PNG as: (\S+\.png)`).FindStringSubmatch(screen)
	if name == nil {
		t.Fatalf("no file name offered:\n%s", screen)
	}
	p.keys("Enter")
	p.waitFor("wrote PNG " + name[1])
	p.keys("q")
	p.waitFor("EXITED=0")
	f, err := os.Open(filepath.Join(dir, name[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("the export is not a PNG: %v", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the stopped run left its checkpoint folder %s behind", left[0].Name())
	}
}
