package tui

import (
	"testing"
)

// BenchmarkRedraw256 measures a full redraw of the workstation showing a
// 256x256 field in a 200x60 terminal in 24-bit colour: resampling, colour
// levels, cells, colour bar, axes and the composed screen, with the
// quantity arrays already computed (as they are after the first frame).
func BenchmarkRedraw256(b *testing.B) {
	truth, sparse, recon := testFiles(b, 256)
	a := newTestApp(Options{Files: []FileRequest{{Path: recon}, {Path: sparse}, {Path: truth, Role: RoleTruth}}, Color: ColorTrueColor}, 200, 60)
	drain(b, a, a.Init())
	if a.field.View() == "" || a.field.r.msg != "" {
		b.Fatalf("field not drawn: %q", a.field.r.msg)
	}
	b.ResetTimer()
	for b.Loop() {
		a.field.dirty = true
		_ = a.View()
	}
}

// BenchmarkCursorMove measures the redraw after a cursor move, which
// re-serialises only the cursor's row.
func BenchmarkCursorMove(b *testing.B) {
	truth, _, recon := testFiles(b, 256)
	a := newTestApp(Options{Files: []FileRequest{{Path: recon}, {Path: truth, Role: RoleTruth}}, Color: ColorTrueColor}, 200, 60)
	drain(b, a, a.Init())
	_ = a.View()
	b.ResetTimer()
	for k := 0; b.Loop(); k++ {
		dir := "left"
		if k%2 == 0 {
			dir = "right"
		}
		a.Update(keyMsg(dir))
		_ = a.View()
	}
}
