package tui

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		max    int
		want   []float64
	}{
		{0, 1, 6, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{0, 1, 3, []float64{0, 0.5, 1}},
		{1, 0, 3, []float64{0, 0.5, 1}}, // bounds in either order
		{-3, 7, 6, []float64{-2, 0, 2, 4, 6}},
		{0.0123, 0.0187, 4, []float64{0.014, 0.016, 0.018}},
		{-1e-5, 1e-5, 3, []float64{-1e-5, 0, 1e-5}},
		{0, 6.3, 4, []float64{0, 2, 4, 6}},
		{2, 2, 4, nil},
		{0, math.Inf(1), 4, nil},
	} {
		got := NiceTicks(tc.lo, tc.hi, tc.max)
		if len(got) != len(tc.want) {
			t.Errorf("NiceTicks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.max, got, tc.want)
			continue
		}
		for k := range got {
			if math.Abs(got[k]-tc.want[k]) > 1e-12*math.Max(1, math.Abs(tc.want[k])) {
				t.Errorf("NiceTicks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.max, got, tc.want)
				break
			}
		}
	}
}

// Whatever the range, ticks stay inside it, are evenly spaced by 1, 2 or 5
// times a power of ten, and are no more than asked for.
func TestNiceTicksInvariants(t *testing.T) {
	for _, r := range [][2]float64{{0, 1}, {-0.37, 12.9}, {1e3, 1.7e3}, {-5e-7, -1e-7}, {3.14159, 3.1416}, {0, 6.283}} {
		for n := 2; n <= 12; n++ {
			ticks := NiceTicks(r[0], r[1], n)
			if len(ticks) == 0 || len(ticks) > n {
				t.Fatalf("NiceTicks(%v, %d) = %v: want 1 to %d ticks", r, n, ticks, n)
			}
			for _, v := range ticks {
				if v < r[0]-1e-12*math.Abs(r[0]) || v > r[1]+1e-12*math.Abs(r[1]) {
					t.Fatalf("tick %v outside %v", v, r)
				}
			}
			if len(ticks) < 2 {
				continue
			}
			step := ticks[1] - ticks[0]
			m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
			if !slices.ContainsFunc([]float64{1, 2, 5}, func(x float64) bool { return math.Abs(x-m) < 1e-6 }) {
				t.Fatalf("step %v of %v is not 1, 2 or 5 times a power of ten", step, ticks)
			}
		}
	}
}

func TestFormatTick(t *testing.T) {
	for _, tc := range []struct {
		v, step float64
		want    string
	}{
		{0, 1, "0"}, {2, 1, "2"}, {0.25, 0.05, "0.25"}, {0.2, 0.2, "0.2"}, {1.5, 0.5, "1.5"},
		{300, 100, "300"}, {-0.004, 0.002, "-0.004"}, {2e-5, 1e-5, "2e-05"}, {1.5e6, 5e5, "1.5e+06"},
	} {
		if got := FormatTick(tc.v, tc.step); got != tc.want {
			t.Errorf("FormatTick(%v, %v) = %q, want %q", tc.v, tc.step, got, tc.want)
		}
	}
}

func TestAxisLabels(t *testing.T) {
	// 21 columns showing 0, 0.5, ..., 10: ticks at 0, 2, 4, ... land on
	// columns 0, 4, 8, ..., each label centred on its column.
	at := make([]float64, 21)
	for c := range at {
		at[c] = float64(c) / 2
	}
	line, cols := AxisLabels(at, 6)
	if len(line) != 21 {
		t.Fatalf("the line is %d columns, want 21", len(line))
	}
	if !slices.Equal(cols, []int{0, 4, 8, 12, 16, 20}) {
		t.Errorf("tick columns %v", cols)
	}
	if line[0] != '0' || line[4] != '2' || line[8] != '4' || line[19:21] != "10" {
		t.Errorf("labels misplaced: %q", line)
	}
	// Decreasing values (a flipped axis) label the same way.
	rev := slices.Clone(at)
	slices.Reverse(rev)
	line, _ = AxisLabels(rev, 6)
	if line[0:2] != "10" || line[20] != '0' {
		t.Errorf("reversed axis: %q", line)
	}
	// Labels never touch: when they would, the later one is dropped.
	line, _ = AxisLabels([]float64{1000, 1001, 1002, 1003, 1004, 1005}, 6)
	if strings.Contains(line, "10011002") || strings.Count(line, "100") > 2 {
		t.Errorf("crowded labels: %q", line)
	}
}

func TestRowLabels(t *testing.T) {
	at := []float64{1, 0.75, 0.5, 0.25, 0} // top row shows the largest value
	labels := RowLabels(at, 3)
	if labels[0] != "1" || labels[2] != "0.5" || labels[4] != "0" || labels[1] != "" || labels[3] != "" {
		t.Errorf("RowLabels = %q", labels)
	}
}
