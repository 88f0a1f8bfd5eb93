package data

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func f64(p string, shape ...int) DatasetInfo {
	return DatasetInfo{Path: p, Type: ElemType{Class: ClassFloat, Size: 8}, Shape: shape}
}

func withType(d DatasetInfo, c TypeClass, size int, unsigned bool) DatasetInfo {
	d.Type = ElemType{Class: c, Size: size, Unsigned: unsigned}
	return d
}

func TestDetectLayout(t *testing.T) {
	tests := []struct {
		name string
		objs []DatasetInfo
		opt  LoadOptions
		want Layout
	}{
		{"v1 grid", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 4), f64("/x", 4), f64("/y", 3)}, LoadOptions{},
			Layout{U: "/u", V: "/v", X: "/x", Y: "/y", Coords: CoordsAxes, Shape: []int{3, 4}, Snapshots: 1}},
		{"v1 series with mask, times and an extra field", []DatasetInfo{f64("/u", 5, 3, 4), f64("/v", 5, 3, 4), f64("/x", 4), f64("/y", 3),
			withType(f64("/mask", 5, 3, 4), ClassInteger, 1, true), f64("/t", 5), f64("/vorticity", 5, 3, 4), f64("/other", 3, 4)}, LoadOptions{},
			Layout{U: "/u", V: "/v", X: "/x", Y: "/y", Mask: "/mask", T: "/t", Coords: CoordsAxes, Shape: []int{5, 3, 4}, Snapshots: 5, Extra: []string{"/vorticity"}}},
		{"scattered", []DatasetInfo{f64("/u", 10), f64("/v", 10), f64("/x", 10), f64("/y", 10)}, LoadOptions{},
			Layout{U: "/u", V: "/v", X: "/x", Y: "/y", Coords: CoordsPoints, Shape: []int{10}, Scattered: true, Snapshots: 1}},
		{"scattered series", []DatasetInfo{f64("/u", 2, 10), f64("/v", 2, 10), f64("/x", 10), f64("/y", 10), f64("/t", 2)}, LoadOptions{},
			Layout{U: "/u", V: "/v", X: "/x", Y: "/y", T: "/t", Coords: CoordsPoints, Shape: []int{2, 10}, Scattered: true, Snapshots: 2}},
		{"square: grid preferred over [T,N]", []DatasetInfo{f64("/u", 3, 3), f64("/v", 3, 3), f64("/x", 3), f64("/y", 3)}, LoadOptions{},
			Layout{U: "/u", V: "/v", X: "/x", Y: "/y", Coords: CoordsAxes, Shape: []int{3, 3}, Snapshots: 1}},
		{"meshgrid", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 4), f64("/x", 3, 4), f64("/y", 3, 4)}, LoadOptions{},
			Layout{U: "/u", V: "/v", X: "/x", Y: "/y", Coords: CoordsMesh, Shape: []int{3, 4}, Snapshots: 1}},
		{"root before groups", []DatasetInfo{f64("/grp/u", 3, 4), f64("/grp/v", 3, 4), f64("/ux", 3, 4), f64("/uy", 3, 4)}, LoadOptions{},
			Layout{U: "/ux", V: "/uy", Shape: []int{3, 4}, Snapshots: 1, Unused: []string{"/grp/u /grp/v"}}},
		{"pair order within a group", []DatasetInfo{f64("/vx", 3, 4), f64("/vy", 3, 4), f64("/V", 3, 4), f64("/U", 3, 4)}, LoadOptions{},
			Layout{U: "/U", V: "/V", Shape: []int{3, 4}, Snapshots: 1, Unused: []string{"/vx /vy"}}},
		{"names with spaces and units", []DatasetInfo{f64("/Velocity U [m s-1]", 3, 4), f64("/Velocity V [m s-1]", 3, 4), f64("/X (mm)", 4), f64("/Y (mm)", 3)}, LoadOptions{},
			Layout{U: "/Velocity U [m s-1]", V: "/Velocity V [m s-1]", X: "/X (mm)", Y: "/Y (mm)", Coords: CoordsAxes, Shape: []int{3, 4}, Snapshots: 1}},
		{"packed", []DatasetInfo{withType(f64("/velocity", 2, 8, 9, 4), ClassFloat, 4, false)}, LoadOptions{},
			Layout{Kind: LayoutPacked, Packed: "/velocity", Shape: []int{2, 8, 9, 4}, Snapshots: 2}},
		{"packed named by the user", []DatasetInfo{f64("/grp/data", 8, 9, 4)}, LoadOptions{UName: "data"},
			Layout{Kind: LayoutPacked, Packed: "/grp/data", Shape: []int{8, 9, 4}, Snapshots: 1}},
		{"named by the user", []DatasetInfo{f64("/u", 2), f64("/v", 2), f64("/a/p", 3, 4), f64("/a/q", 3, 4)}, LoadOptions{UName: "p", VName: "/a/q"},
			Layout{U: "/a/p", V: "/a/q", Shape: []int{3, 4}, Snapshots: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectLayout(tc.objs, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestDetectLayoutErrors(t *testing.T) {
	blr := []DatasetInfo{f64("/split1/X_train", 800, 20), withType(f64("/split1/y_train", 800), ClassInteger, 1, false)}
	str := func(d DatasetInfo) DatasetInfo { return withType(d, ClassString, 0, false) }
	tests := []struct {
		name string
		objs []DatasetInfo
		opt  LoadOptions
		want []string
	}{
		{"not velocity data", blr, LoadOptions{},
			[]string{"no velocity datasets: found /split1/X_train [800 20] float64, /split1/y_train [800] int8; expected u and v", "name them with --u and --v"}},
		{"empty file", nil, LoadOptions{}, []string{"no velocity datasets: found no datasets"}},
		{"u without v", []DatasetInfo{f64("/u", 3, 4)}, LoadOptions{}, []string{"no velocity datasets: found /u [3 4] float64"}},
		{"image, not packed velocity", []DatasetInfo{withType(f64("/rgba", 8, 8, 4), ClassInteger, 1, true)}, LoadOptions{}, []string{"no velocity datasets"}},
		{"shapes differ", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 5)}, LoadOptions{}, []string{"u /u [3 4] and v /v [3 5] differ in shape"}},
		{"strings", []DatasetInfo{str(f64("/u", 2)), str(f64("/v", 2))}, LoadOptions{}, []string{"u /u holds string values, expected numbers"}},
		{"too big", []DatasetInfo{f64("/u", 20000, 20000), f64("/v", 20000, 20000)}, LoadOptions{}, []string{"u /u [20000 20000]", "more than the 268435456 values"}},
		{"too big packed", []DatasetInfo{f64("/velocity", 100, 1000, 1000, 4)}, LoadOptions{}, []string{"more than the 268435456 values"}},
		{"empty u", []DatasetInfo{f64("/u", 0, 4), f64("/v", 0, 4)}, LoadOptions{}, []string{"u /u is empty (shape [0 4])"}},
		{"rank 4", []DatasetInfo{f64("/u", 2, 2, 3, 4), f64("/v", 2, 2, 3, 4)}, LoadOptions{}, []string{"expected [ny,nx] or [T,ny,nx] on a grid, [N] or [T,N] scattered"}},
		{"scalar", []DatasetInfo{f64("/u"), f64("/v")}, LoadOptions{}, []string{"u /u is []"}},
		{"x length", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 4), f64("/x", 5), f64("/y", 3)}, LoadOptions{},
			[]string{"coordinates x /x [5] and y /y [3] do not fit u /u [3 4]: expected x [4] and y [3] (grid)"}},
		{"x without y", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 4), f64("/x", 4)}, LoadOptions{}, []string{"found x in / but no y"}},
		{"scattered without coordinates", []DatasetInfo{f64("/u", 10), f64("/v", 10)}, LoadOptions{}, []string{"looks scattered", "no coordinates x and y [10]"}},
		{"mask shape", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 4), f64("/mask", 4, 3)}, LoadOptions{}, []string{"mask /mask [4 3] does not match u [3 4]"}},
		{"mask strings", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 4), str(f64("/mask", 3, 4))}, LoadOptions{}, []string{"mask /mask holds string values"}},
		{"times", []DatasetInfo{f64("/u", 2, 3, 4), f64("/v", 2, 3, 4), f64("/t", 3)}, LoadOptions{}, []string{"times /t [3] float64 do not match the 2 snapshot(s)"}},
		{"u alone", []DatasetInfo{f64("/u", 3, 4)}, LoadOptions{UName: "u"}, []string{"--u u given without --v"}},
		{"v alone", []DatasetInfo{f64("/u", 3, 4)}, LoadOptions{VName: "u"}, []string{"--v u given without --u"}},
		{"named dataset missing", blr, LoadOptions{UName: "a", VName: "b"}, []string{`no dataset "a" for u: found /split1/X_train [800 20] float64`}},
		{"ambiguous name", []DatasetInfo{f64("/r1/a", 2), f64("/r2/a", 2)}, LoadOptions{UName: "a", VName: "b"}, []string{`"a" for u is ambiguous: /r1/a, /r2/a`}},
		{"same dataset twice", []DatasetInfo{f64("/a", 3, 4)}, LoadOptions{UName: "a", VName: "/a"}, []string{"u and v name the same dataset /a"}},
		{"one coordinate named", []DatasetInfo{f64("/u", 3, 4), f64("/v", 3, 4)}, LoadOptions{XName: "x"}, []string{"name both coordinate datasets"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DetectLayout(tc.objs, tc.opt)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"u": "u", "/grp/U": "u", "Velocity u": "velocityu", "velocity_U": "velocityu", "Velocity-U [m.s-1]": "velocityu",
		"X (mm)": "x", "x_coords": "xcoords", "U (m.s-1) [raw]": "u", "]odd[": "odd",
	} {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// parseFuzzSpec reads dataset descriptions, one a line: "path|class|size|d1 d2 ...",
// class one of f (float), i (int), u (uint), s (string), e (enum), o (other).
// Malformed lines and repeated paths are skipped.
func parseFuzzSpec(spec string) []DatasetInfo {
	var objs []DatasetInfo
	seen := map[string]bool{}
	for _, line := range strings.Split(spec, "\n") {
		fields := strings.Split(line, "|")
		if len(fields) != 4 {
			continue
		}
		p := cleanPath(fields[0])
		if seen[p] {
			continue
		}
		var c TypeClass
		switch fields[1] {
		case "f":
			c = ClassFloat
		case "i", "u":
			c = ClassInteger
		case "s":
			c = ClassString
		case "e":
			c = ClassEnum
		default:
			c = ClassOther
		}
		size, err := strconv.Atoi(fields[2])
		if err != nil {
			continue
		}
		var shape []int
		ok := true
		for _, d := range strings.Fields(fields[3]) {
			n, err := strconv.Atoi(d)
			if err != nil || len(shape) == maxRank {
				ok = false
				break
			}
			shape = append(shape, n)
		}
		if !ok {
			continue
		}
		seen[p] = true
		objs = append(objs, DatasetInfo{Path: p, Type: ElemType{Class: c, Size: size, Unsigned: fields[1] == "u"}, Shape: shape})
	}
	return objs
}

// FuzzDetectLayout checks that detection never panics, is deterministic and
// independent of listing order, and that what it accepts is consistent.
func FuzzDetectLayout(f *testing.F) {
	f.Add("/u|f|8|3 4\n/v|f|8|3 4\n/x|f|8|4\n/y|f|8|3", "", "")
	f.Add("/velocity|f|4|1 256 256 4", "", "")
	f.Add("/split1/X_train|f|8|400 2\n/split1/y_train|i|1|400", "", "")
	f.Fuzz(func(t *testing.T, spec, uname, vname string) {
		objs := parseFuzzSpec(spec)
		opt := LoadOptions{UName: uname, VName: vname}
		l, err := DetectLayout(objs, opt)
		rev := make([]DatasetInfo, len(objs))
		for i, o := range objs {
			rev[len(objs)-1-i] = o
		}
		l2, err2 := DetectLayout(rev, opt)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) || !reflect.DeepEqual(l, l2) {
			t.Fatalf("order changes the result:\n%+v, %v\n%+v, %v", l, err, l2, err2)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		byPath := map[string]DatasetInfo{}
		for _, o := range objs {
			byPath[o.Path] = o
		}
		n, eerr := elements(l.Shape)
		if eerr != nil || n <= 0 || n > MaxElements || l.Snapshots < 1 {
			t.Fatalf("accepted shape %v (%d values, %v), %d snapshots", l.Shape, n, eerr, l.Snapshots)
		}
		if l.Kind == LayoutPacked {
			if !isPackedShape(l.Shape) || !slices.Equal(byPath[l.Packed].Shape, l.Shape) {
				t.Fatalf("packed layout %+v", l)
			}
			return
		}
		u, okU := byPath[l.U]
		v, okV := byPath[l.V]
		if !okU || !okV || !u.Type.Numeric() || !slices.Equal(u.Shape, v.Shape) || !slices.Equal(u.Shape, l.Shape) || len(l.Shape) < 1 || len(l.Shape) > 3 {
			t.Fatalf("accepted u %+v, v %+v for layout %+v", u, v, l)
		}
		if (l.Coords == CoordsNone) != (l.X == "") || (l.X == "") != (l.Y == "") {
			t.Fatalf("coordinates %+v", l)
		}
		for _, p := range append([]string{l.X, l.Y, l.Mask, l.T}, l.Extra...) {
			if _, ok := byPath[p]; p != "" && !ok {
				t.Fatalf("layout names %q, not in the input", p)
			}
		}
		for _, p := range l.Extra {
			if !slices.Equal(byPath[p].Shape, u.Shape) {
				t.Fatalf("extra %s %v does not match u %v", p, byPath[p].Shape, u.Shape)
			}
		}
		if l.Scattered && l.Coords == CoordsNone {
			t.Fatalf("scattered without coordinates: %+v", l)
		}
	})
}
