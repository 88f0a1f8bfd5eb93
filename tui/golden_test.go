package tui

import (
	"bytes"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestGolden drives the workstation through Bubble Tea (teatest) on the main
// screens at 80x24 and 200x60 and compares the final screen with the golden
// files in testdata/TestGolden (go test -run TestGolden -update rewrites
// them). Colours are fixed (256, or none), so the goldens do not depend on
// the terminal the tests run in.
func TestGolden(t *testing.T) {
	truth, sparse, recon := testFiles(t, 64)
	fields := []FileRequest{{Path: recon}, {Path: sparse}, {Path: truth, Role: RoleTruth}}
	trainFiles := []FileRequest{{Path: sparse}, {Path: truth, Role: RoleTruth}}
	for _, tc := range []struct {
		name  string
		w, h  int
		opt   Options
		keys  []string
		ready []string // on screen once everything has been computed
		after []string // drawn only once the keys have been handled
	}{
		{"field_80x24", 80, 24, Options{Files: fields, Color: Color256}, nil, []string{"x, y [m]", "ω "}, nil},
		{"field_200x60", 200, 60, Options{Files: fields, Color: Color256}, nil, []string{"x, y [m]", "ω ", "NRMSE"}, nil},
		{"metrics_80x24", 80, 24, Options{Files: fields, Color: Color256}, []string{"tab"}, nil, []string{"NRMSE", "structure function"}},
		{"metrics_200x60", 200, 60, Options{Files: fields, Color: Color256}, []string{"tab"}, []string{"NRMSE", "x, y [m]", "ω "}, []string{"interior / full grid"}},
		{"vorticity_compare_200x60", 200, 60, Options{Files: []FileRequest{{Path: recon}, {Path: truth, Role: RoleCompare}}, Color: Color256}, []string{"4", "a"}, nil, []string{"vorticity [1/s]", "↗"}},
		{"field_ascii_80x24", 80, 24, Options{Files: fields, Color: ColorNone}, nil, []string{"x, y [m]", "|  w "}, nil},
		{"help_80x24", 80, 24, Options{Files: fields, Color: Color256}, []string{"?"}, []string{"x, y [m]", "ω "}, []string{"cursor left"}},
		{"training_80x24", 80, 24, Options{Files: trainFiles, Color: Color256}, []string{"tab", "tab"}, nil, []string{"s trains on sparse.h5", "pause / resume"}},
		{"training_200x60", 200, 60, Options{Files: trainFiles, Color: Color256}, []string{"tab", "tab"}, []string{"x, y [m]", "ω "}, []string{"s trains on sparse.h5"}},
		{"transport_80x24", 80, 24, Options{Files: trainFiles, Color: Color256}, []string{"tab", "tab", "tab"}, nil, []string{"SW_2", "speed"}},
		{"picker_80x24", 80, 24, Options{Dir: "testdata/picker", Color: Color256}, nil, []string{"run1.txt"}, nil},
		{"picker_200x60", 200, 60, Options{Dir: "testdata/picker", Color: Color256}, nil, []string{"run1.txt"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Getenv = func(string) string { return "" }
			tm := teatest.NewTestModel(t, New(tc.opt), teatest.WithInitialTermSize(tc.w, tc.h))
			// Keys go in once the files are loaded (or the folder listed), as
			// a user's would.
			sc := &screen{tm: tm}
			started := "loaded "
			if len(tc.opt.Files) == 0 {
				started = "run1.txt"
			}
			sc.wait(t, 0, started)
			mark := sc.all.Len()
			for _, k := range tc.keys {
				tm.Send(keyMsg(k))
			}
			sc.wait(t, mark, tc.after...)
			sc.wait(t, 0, tc.ready...)
			tm.Send(tea.QuitMsg{})
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
			teatest.RequireEqualOutput(t, []byte(final.View()))
		})
	}
}

// screen keeps everything a program under test has drawn.
type screen struct {
	tm  *teatest.TestModel
	all bytes.Buffer
}

// wait reads the program's output until each of texts has been drawn at or
// after offset from in all it drew.
func (s *screen) wait(t *testing.T, from int, texts ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := io.Copy(&s.all, s.tm.Output()); err != nil {
			t.Fatal(err)
		}
		missing := ""
		for _, x := range texts {
			if !bytes.Contains(s.all.Bytes()[from:], []byte(x)) {
				missing = x
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q was never drawn; the screen was:\n%s", missing, s.all.Bytes()[from:])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
