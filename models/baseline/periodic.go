package baseline

import (
	"fmt"
	"math"
)

// Periodicity describes whether lattice samples look like one period of a
// periodic field (a DNS box, a turbulence simulation) along both axes.
type Periodicity struct {
	// PeriodX and PeriodY are the periods the lattice implies: its number of
	// lines times its spacing (the wrap from the last line back to the first
	// is one more step).
	PeriodX, PeriodY float64
	// RatioX and RatioY compare the mean squared velocity increment across
	// the wrap (last line to first) with the one between neighbouring lines:
	// near 1 for a periodic field, several times larger for a field whose
	// two edges are unrelated.
	RatioX, RatioY float64
}

// PeriodicThreshold is the increment ratio below which both axes must lie
// for DetectPeriodicity to call a field periodic. Periodic turbulence gives
// about 0.5 to 1.5; a smooth field whose far edges are unrelated, the ratio
// of its variance to its increment at one lattice step, typically 4 or more.
const PeriodicThreshold = 2

// Periodic reports whether both ratios lie below PeriodicThreshold.
func (p Periodicity) Periodic() bool {
	return p.RatioX < PeriodicThreshold && p.RatioY < PeriodicThreshold
}

// DetectPeriodicity measures whether the samples, which must form a uniform
// lattice of at least 4 x 4 lines, are consistent with a periodic field whose
// period is the lattice's extent plus one step. It looks at the data only:
// the answer is a statistical judgement, which callers should let users
// override.
func DetectPeriodicity(s *Samples) (Periodicity, error) {
	lat := s.Lattice
	if lat == nil {
		return Periodicity{}, fmt.Errorf("periodicity needs samples on a lattice; these %d vectors are scattered", s.Len())
	}
	nx, ny := lat.NX(), lat.NY()
	if nx < 4 || ny < 4 || !lat.IsUniform(1e-3) {
		return Periodicity{}, fmt.Errorf("periodicity needs a uniform lattice of at least 4 x 4 lines, got %d x %d", nx, ny)
	}
	incr := func(a, b int) float64 {
		du, dv := lat.U[a]-lat.U[b], lat.V[a]-lat.V[b]
		return du*du + dv*dv
	}
	var wrapX, innerX, wrapY, innerY float64
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			k := lat.Index(i, j)
			if i+1 < nx {
				innerX += incr(k, lat.Index(i+1, j))
			} else {
				wrapX += incr(k, lat.Index(0, j))
			}
			if j+1 < ny {
				innerY += incr(k, lat.Index(i, j+1))
			} else {
				wrapY += incr(k, lat.Index(i, 0))
			}
		}
	}
	p := Periodicity{PeriodX: float64(nx) * lat.DX(), PeriodY: float64(ny) * lat.DY()}
	p.RatioX = ratio(wrapX/float64(ny), innerX/float64((nx-1)*ny))
	p.RatioY = ratio(wrapY/float64(nx), innerY/float64(nx*(ny-1)))
	return p, nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		if a == 0 {
			return 1 // a uniform field is periodic
		}
		return math.Inf(1)
	}
	return a / b
}
