package baseline_test

import (
	"context"
	"fmt"
	"math"
	"sort"

	"pivsr/models/baseline"
	"pivsr/piv"
)

// Keep every 4th vector of a cellular (Taylor-Green) flow, reconstruct the
// full grid with each baseline and rank the results against the truth. The
// flow is divergence-free and very smooth, which suits the divergence-free
// RBF; the thin-plate spline and smoothn's penalty pull toward planes
// beyond the outermost samples.
func Example() {
	g := piv.UniformGrid(49, 49, 0, 0, 1.0/48, 1.0/48)
	truth := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			truth.U[g.Index(i, j)] = math.Sin(2*math.Pi*x) * math.Cos(2*math.Pi*y)
			truth.V[g.Index(i, j)] = -math.Cos(2*math.Pi*x) * math.Sin(2*math.Pi*y)
		}
	}
	sparse, err := piv.KeepEvery(truth, 4, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := baseline.FromField(sparse)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d samples on a %d x %d lattice\n", s.Len(), s.Lattice.NX(), s.Lattice.NY())
	type result struct {
		name  string
		nrmse float64
	}
	var results []result
	for _, m := range []baseline.Method{
		baseline.Bicubic{},
		baseline.ThinPlate{},
		baseline.DivFreeRBF{},
		baseline.Smoothn{Exact: true},
	} {
		est, err := m.Reconstruct(context.Background(), s, g)
		if err != nil {
			fmt.Println(err)
			return
		}
		score, err := piv.Evaluate(est, truth, piv.MetricOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		results = append(results, result{m.Name(), score.NRMSE})
	}
	sort.Slice(results, func(a, b int) bool { return results[a].nrmse < results[b].nrmse })
	for _, r := range results {
		fmt.Printf("%-15s NRMSE below 3%%: %v\n", r.name, r.nrmse < 0.03)
	}
	// Output:
	// 169 samples on a 13 x 13 lattice
	// divfree-rbf     NRMSE below 3%: true
	// bicubic-clamped NRMSE below 3%: true
	// tps             NRMSE below 3%: true
	// smoothn-exact   NRMSE below 3%: true
}
