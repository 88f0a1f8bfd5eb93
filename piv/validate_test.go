package piv

import (
	"math"
	"testing"
)

// smoothPIVField is a Taylor-Green vortex of the given amplitude (px/frame)
// on a pivN x pivN grid spanning one period, as a clean PIV field would look:
// the velocity changes by up to amplitude * pivStep from one vector to the next.
const pivN = 64

var pivStep = 2 * math.Pi / (pivN - 1)

func smoothPIVField(amplitude float64) *Field {
	g := UniformGrid(pivN, pivN, 0, 0, pivStep, pivStep)
	return analyticField(g, func(x, y float64) (float64, float64) {
		u, v := taylorGreen(x, y)
		return amplitude * u, amplitude * v
	})
}

// A clean field, steep (0.5 px/frame between neighbours, five times epsilon)
// and with the flow normal to the edges there, loses no vector: edge and
// corner vectors are compared with full, inward-shifted windows.
func TestMedianTestKeepsCleanSteepField(t *testing.T) {
	f := smoothPIVField(5)
	r, err := DefaultMedianTest().Residuals(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for k, rk := range r {
		if !(rk <= 2) {
			t.Errorf("clean vector (%d,%d) has residual %v", k%pivN, k/pivN, rk)
		}
		worst = max(worst, rk)
	}
	t.Logf("largest residual in a clean steep field: %.2f", worst)
}

// In a field with typical PIV gradients (0.2 px/frame between neighbours)
// the test rejects exactly the injected outliers, and the replacements land
// within about a grid step's change of the truth.
func TestMedianTestCatchesOutliersOnly(t *testing.T) {
	const amplitude = 2.0
	truth := smoothPIVField(amplitude)
	f := truth.Clone()
	// Outliers of a few px in the interior, on an edge and in a corner, and
	// one in v only: the test rejects a vector when either component fails.
	bad := map[int]bool{}
	for _, c := range []struct {
		i, j   int
		du, dv float64
	}{{10, 12, 3, 0}, {20, 5, 0, -4}, {0, 17, 2.5, 2.5}, {pivN - 1, pivN - 1, -3, 1}, {11, 12, 0, 3}} {
		k := f.Index(c.i, c.j)
		f.U[k] += c.du
		f.V[k] += c.dv
		bad[k] = true
	}
	test := DefaultMedianTest()
	r, err := test.Residuals(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := test.Outliers(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	worstClean := 0.0
	for k := range out {
		if out[k] != bad[k] {
			t.Errorf("vector %d (%d,%d): rejected=%v, residual %.2f; injected outlier=%v", k, k%pivN, k/pivN, out[k], r[k], bad[k])
		}
		if !bad[k] {
			worstClean = max(worstClean, r[k])
		}
	}
	t.Logf("largest residual of a clean vector: %.2f", worstClean)

	rep, err := DefaultValidator().Validate(f)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NumRejected != len(bad) || rep.NumFilled != len(bad) || rep.Unfilled != 0 {
		t.Errorf("report: %d rejected, %d filled, %d unfilled; want %d, %d, 0", rep.NumRejected, rep.NumFilled, rep.Unfilled, len(bad), len(bad))
	}
	for k := range bad {
		if !f.Valid(k) || !rep.Filled[k] {
			t.Errorf("replaced vector %d is not valid and marked filled", k)
		}
		// A median of neighbours of a smooth field is off by at most about a
		// (diagonal) grid step's change, at a corner; far less inside.
		if e := math.Hypot(f.U[k]-truth.U[k], f.V[k]-truth.V[k]); e > 1.5*amplitude*pivStep {
			t.Errorf("replacement at (%d,%d) is %.3f px/frame from the truth", k%pivN, k/pivN, e)
		}
	}
	for k := range f.U {
		if !bad[k] && (f.U[k] != truth.U[k] || f.V[k] != truth.V[k]) {
			t.Fatalf("clean vector %d was changed", k)
		}
	}
}

func TestGapFillClosesHolesFromTheirEdges(t *testing.T) {
	const amplitude = 5.0
	truth := smoothPIVField(amplitude)
	for _, method := range []FillMethod{FillMedian, FillMean} {
		f := truth.Clone()
		f.Mask = make([]bool, f.Len())
		hole := make([]bool, f.Len())
		for k := range f.Mask {
			i, j := k%pivN, k/pivN
			hole[k] = i >= 12 && i < 17 && j >= 8 && j < 13 // a 5 x 5 hole
			f.Mask[k] = !hole[k]
		}
		f.U[f.Index(14, 10)] = math.NaN() // hole contents do not matter
		fill := DefaultGapFill()
		fill.Method = method
		filled, err := fill.Fill(f, hole)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for k := range hole {
			if filled[k] != hole[k] {
				t.Fatalf("method %d: vector %d filled=%v, in hole=%v", method, k, filled[k], hole[k])
			}
			if hole[k] {
				if !f.Valid(k) {
					t.Fatalf("method %d: filled vector %d is not valid", method, k)
				}
				worst = max(worst, math.Hypot(f.U[k]-truth.U[k], f.V[k]-truth.V[k]))
			}
		}
		t.Logf("method %d: worst error in a 5x5 hole %.3f px/frame (amplitude 5)", method, worst)
		// Each of the hole's 3 rings is estimated from the ring outside it, one
		// step away: up to one step's change (amplitude * h) of error per ring.
		if worst > 3*amplitude*pivStep {
			t.Errorf("method %d: hole filled up to %.3f px/frame from the truth", method, worst)
		}

		// One pass fills only the hole's outer ring (16 of its 25 vectors).
		g := truth.Clone()
		g.Mask = append([]bool(nil), f.Mask...)
		for k := range hole {
			g.Mask[k] = !hole[k]
		}
		fill.MaxPasses = 1
		filled, err = fill.Fill(g, hole)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for k := range filled {
			if filled[k] {
				n++
				if i, j := k%pivN, k/pivN; i != 12 && i != 16 && j != 8 && j != 12 {
					t.Errorf("one pass filled (%d,%d), inside the outer ring", i, j)
				}
			}
		}
		if n != 16 {
			t.Errorf("one pass filled %d vectors, want the ring's 16", n)
		}
	}
}

func TestValidatorMasksNonFiniteAndLeavesSparseFieldsAlone(t *testing.T) {
	f := smoothPIVField(2)
	f.U[f.Index(5, 5)] = math.NaN()
	f.V[f.Index(6, 9)] = math.Inf(-1)
	v := DefaultValidator()
	v.FillMissing = true
	rep, err := v.Validate(f)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NonFinite != 2 || rep.NumFilled != 2 || rep.NumRejected != 0 {
		t.Errorf("report: %d non-finite, %d filled, %d rejected; want 2, 2, 0", rep.NonFinite, rep.NumFilled, rep.NumRejected)
	}
	if f.NumValid() != f.Len() {
		t.Errorf("%d of %d vectors valid after filling", f.NumValid(), f.Len())
	}

	// Every 4th vector of a field: no vector has valid neighbours, none is
	// tested, and without FillMissing the decimation gaps stay.
	sparse, err := KeepEvery(smoothPIVField(2), 4, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	before := sparse.NumValid()
	rep, err = DefaultValidator().Validate(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NumRejected != 0 || rep.NumFilled != 0 || sparse.NumValid() != before {
		t.Errorf("sparse field: %d rejected, %d filled, %d -> %d valid; want it untouched", rep.NumRejected, rep.NumFilled, before, sparse.NumValid())
	}
}

func TestMedianResidualOfUniformField(t *testing.T) {
	f := analyticField(UniformGrid(5, 5, 0, 0, 1, 1), func(x, y float64) (float64, float64) { return 1, 2 })
	test := DefaultMedianTest()
	test.Epsilon = 0
	r, err := test.Residuals(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	for k, rk := range r {
		if rk != 0 {
			t.Errorf("residual %d = %v in a uniform field with epsilon 0, want 0", k, rk)
		}
	}
	f.U[12] = 1.5 // any deviation is infinitely far from identical neighbours
	if r, _ = test.Residuals(r, f); !math.IsInf(r[12], 1) {
		t.Errorf("residual of a deviating vector among identical ones = %v, want +Inf", r[12])
	}
}

func TestValidationRejectsBadConfig(t *testing.T) {
	f := smoothPIVField(2)
	for name, v := range map[string]Validator{
		"zero median test":  {},
		"negative epsilon":  {Test: MedianTest{Threshold: 2, Epsilon: -1, Radius: 1, MinNeighbours: 1}},
		"zero fill radius":  {Test: DefaultMedianTest(), Fill: &GapFill{MinNeighbours: 1}},
		"unknown fill kind": {Test: DefaultMedianTest(), Fill: &GapFill{Method: 7, Radius: 1, MinNeighbours: 1}},
	} {
		if _, err := v.Validate(f); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := DefaultGapFill().Fill(f, make([]bool, 3)); err == nil {
		t.Error("gap targets of the wrong length gave no error")
	}
}
