package tui

import (
	"fmt"
	"math"
	"strings"

	"pivsr/piv"
)

// Quantity is a scalar the field view draws.
type Quantity int

// The quantities, in the order of their number keys.
const (
	QuantityU Quantity = iota
	QuantityV
	QuantitySpeed
	QuantityVorticity
	QuantityDivergence
	numQuantities
)

// Name is the quantity's short name.
func (q Quantity) Name() string {
	switch q {
	case QuantityU:
		return "u"
	case QuantityV:
		return "v"
	case QuantitySpeed:
		return "speed"
	case QuantityVorticity:
		return "vorticity"
	case QuantityDivergence:
		return "divergence"
	}
	return fmt.Sprintf("Quantity(%d)", int(q))
}

// Unit is the quantity's unit for fields with units u.
func (q Quantity) Unit(u piv.Units) string {
	switch q {
	case QuantityVorticity, QuantityDivergence:
		return gradientUnit(u)
	}
	return u.Velocity
}

// gradientUnit is the unit of a velocity derivative: 1/s for m/s over m,
// 1/frame for px/frame over px, "1" for dimensionless fields, else
// (velocity)/length; "" when either is unknown.
func gradientUnit(u piv.Units) string {
	v, l := u.Velocity, u.Length
	switch {
	case v == "" || l == "":
		return ""
	case v == "1" && l == "1":
		return "1"
	case strings.HasPrefix(v, l+"/"):
		return "1/" + strings.TrimPrefix(v, l+"/")
	}
	return "(" + v + ")/" + l
}

// Diverging reports whether the quantity takes both signs around a
// meaningful zero, and so is drawn with a diverging map centred on it.
func (q Quantity) Diverging() bool {
	return q == QuantityVorticity || q == QuantityDivergence
}

// Compute writes the quantity of f into dst (nil allocates), NaN where it is
// undefined (invalid vectors, no derivative stencil).
func (q Quantity) Compute(dst []float64, f *piv.Field) ([]float64, error) {
	switch q {
	case QuantityU, QuantityV:
		if err := f.Check(); err != nil {
			return nil, err
		}
		src := f.U
		if q == QuantityV {
			src = f.V
		}
		dst = grow(dst, len(src))
		for k := range dst {
			if f.Valid(k) {
				dst[k] = src[k]
			} else {
				dst[k] = math.NaN()
			}
		}
		return dst, nil
	case QuantitySpeed:
		return piv.Speed(dst, f)
	case QuantityVorticity:
		return piv.Vorticity(dst, f)
	case QuantityDivergence:
		return piv.Divergence(dst, f)
	}
	return nil, fmt.Errorf("unknown quantity %d", int(q))
}

// Difference computes q(f) - q(ref) node by node, NaN where either is
// undefined: the signed error map of f against a reference on the same grid.
func (q Quantity) Difference(f, ref *piv.Field) ([]float64, error) {
	if f.NX() != ref.NX() || f.NY() != ref.NY() {
		return nil, fmt.Errorf("grids differ (%dx%d and %dx%d): no error map", f.NX(), f.NY(), ref.NX(), ref.NY())
	}
	a, err := q.Compute(nil, f)
	if err != nil {
		return nil, err
	}
	b, err := q.Compute(nil, ref)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	for k := range a {
		a[k] -= b[k] // NaN propagates
	}
	return a, nil
}
