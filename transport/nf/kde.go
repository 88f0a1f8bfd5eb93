package nf

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// VMFKDE is a kernel density estimate on S^2 with von Mises-Fisher kernels
// of one concentration: p(x) = (1/n) sum_i C(kappa) exp(kappa (c_i.x - 1)).
// Its kernel width is about 1/sqrt(kappa) radians.
type VMFKDE struct {
	Centres *mat.Dense // unit vectors, one per row
	Kappa   float64
}

// kdeSkip is how far below a row's largest exponent a kernel term may lie
// and still be summed: exp(-40) is below the float64 epsilon.
const kdeSkip = 40

// LogDensity returns log p at the rows of x. With leaveOut, x must be the
// centres themselves and row i leaves out centre i (the leave-one-out
// estimate).
func (k *VMFKDE) LogDensity(x *mat.Dense, leaveOut bool) []float64 {
	n, _ := x.Dims()
	nc, _ := k.Centres.Dims()
	out := make([]float64, n)
	norm := VMFLogNorm(k.Kappa) - math.Log(float64(nc-btoi(leaveOut)))
	const block = 512
	var dots mat.Dense
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		dots.Reset()
		dots.Mul(x.Slice(lo, hi, 0, 3), k.Centres.T())
		for r := range hi - lo {
			row := dots.RawRowView(r)
			if leaveOut {
				row[lo+r] = math.Inf(-1)
			}
			m := math.Inf(-1)
			for _, d := range row {
				m = math.Max(m, d)
			}
			s, cut := 0.0, m-kdeSkip/k.Kappa
			for _, d := range row {
				if d > cut {
					s += math.Exp(k.Kappa * (d - m))
				}
			}
			out[lo+r] = norm + k.Kappa*(m-1) + math.Log(s)
		}
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FitVMFKDE returns the kernel density estimate on the rows of train with
// the concentration that maximises the likelihood of a held-out part: a
// fraction valFrac of the rows (drawn with seed) is scored under the KDE of
// the others, over a grid of kappa from 1 to 1e6 (factor sqrt 10) refined by
// a golden-section search on log kappa; the returned KDE keeps every row as
// a centre.
func FitVMFKDE(train *mat.Dense, valFrac float64, seed uint64) (*VMFKDE, error) {
	if err := checkSphere3(train); err != nil {
		return nil, err
	}
	n, _ := train.Dims()
	if !(valFrac > 0 && valFrac < 1) || n < 4 {
		return nil, fmt.Errorf("%w: FitVMFKDE of %d points with validation fraction %v", ErrConfig, n, valFrac)
	}
	fit, val := SplitRows(train, valFrac, seed)
	score := func(logKappa float64) float64 {
		k := VMFKDE{Centres: fit, Kappa: math.Exp(logKappa)}
		return mean(k.LogDensity(val, false))
	}
	step := math.Log(10) / 2
	bestI, best := 0, math.Inf(-1)
	const grid = 13 // kappa = 1 ... 1e6
	for i := range grid {
		if v := score(float64(i) * step); v > best {
			bestI, best = i, v
		}
	}
	lo, hi := float64(max(bestI-1, 0))*step, float64(min(bestI+1, grid-1))*step
	phi := (math.Sqrt(5) - 1) / 2
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := score(a), score(b)
	for range 10 {
		if fa > fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = score(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = score(b)
		}
	}
	logKappa := (lo + hi) / 2
	if best > math.Max(fa, fb) { // a grid end beat the interior
		logKappa = float64(bestI) * step
	}
	return &VMFKDE{Centres: train, Kappa: math.Exp(logKappa)}, nil
}

// SplitRows splits the rows of x at random (seed) into two matrices, the
// second holding round(frac n) rows, each at least one row when n >= 2.
func SplitRows(x *mat.Dense, frac float64, seed uint64) (first, second *mat.Dense) {
	n, d := x.Dims()
	m := int(math.Round(frac * float64(n)))
	m = max(1, min(m, n-1))
	perm := rand.New(rand.NewPCG(seed, 0x73706c)).Perm(n)
	first, second = mat.NewDense(n-m, d, nil), mat.NewDense(m, d, nil)
	for k, i := range perm {
		if k < m {
			second.SetRow(k, x.RawRowView(i))
		} else {
			first.SetRow(k-m, x.RawRowView(i))
		}
	}
	return first, second
}
