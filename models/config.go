package models

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
)

// Filter selects the filter family of a multiplicative filter network.
type Filter int

const (
	// Fourier filters g(p) = sin(Omega p + phi) (FourierNet).
	Fourier Filter = iota
	// Gabor filters g(p) = exp(-gamma/2 |p - mu|^2) sin(Omega p + phi) (GaborNet).
	Gabor
)

// String returns the filter family's name.
func (f Filter) String() string {
	switch f {
	case Fourier:
		return "fourier"
	case Gabor:
		return "gabor"
	}
	return fmt.Sprintf("Filter(%d)", int(f))
}

// Config describes a multiplicative filter network f(x, y) -> (u, v), or
// f(x, y) -> psi with (u, v) = (dpsi/dy, -dpsi/dx) (see StreamFunction).
//
// Coordinates are expected normalised to [-1, 1] and velocities normalised by
// their maximum magnitude; the caller scales them back.
type Config struct {
	Filter  Filter // filter family
	Filters int    // number of filters k (k-1 hidden linear layers); the original used 4
	Hidden  int    // hidden width h; the original used 256

	// InputScale is the highest angular frequency (radians per unit of the
	// normalised coordinate) the product of the filters reaches; each filter's
	// Omega is scaled by InputScale/sqrt(k). It must reach the target grid's
	// Nyquist band: pi/h for a target spacing h in normalised units.
	InputScale float64

	// GaborAlpha and GaborBeta parametrise the Gabor filters' gamma ~
	// Gamma(GaborAlpha/k, rate GaborBeta). Ignored for Fourier filters.
	GaborAlpha, GaborBeta float64

	// DType of the parameters and computation: dtypes.Float32 (default when
	// left invalid) or dtypes.Float64 (for gradient checks).
	DType dtypes.DType

	// Seed makes the initialisation reproducible.
	Seed uint64

	// ZeroOutput starts the output layer at zero, so the network is
	// exactly zero until trained: a correction added to a known field then
	// starts from that field (the hidden layers still start random, and
	// learn once the output weights move).
	ZeroOutput bool

	// StreamFunction makes the network output a scalar stream function psi
	// (the output layer over InputScale) instead of (u, v): the velocity is
	// (dpsi/dy, -dpsi/dx), taken from
	// psi's exact first-derivative tangents, so it is divergence-free by
	// construction (the divergence penalty is then skipped). Every
	// evaluation carries tangents (about three times a value pass), and the
	// velocity's own derivatives (psi's second) are not available.
	StreamFunction bool
}

// outputs is the width of the output layer: 1 for a stream function, 2 for (u, v).
func (c Config) outputs() int {
	if c.StreamFunction {
		return 1
	}
	return 2
}

// DefaultConfig returns a FourierNet with 4 filters, hidden width 128 and
// input scale 64, float32, seed 1. GaborAlpha and GaborBeta take the original
// defaults (6 and 1) so switching Filter to Gabor gives the published setting.
func DefaultConfig() Config {
	return Config{
		Filter:     Fourier,
		Filters:    4,
		Hidden:     128,
		InputScale: 64,
		GaborAlpha: 6,
		GaborBeta:  1,
		DType:      dtypes.Float32,
		Seed:       1,
	}
}

// validate checks the configuration and fills in the default dtype.
func (c *Config) validate() error {
	switch c.Filter {
	case Fourier, Gabor:
	default:
		return fmt.Errorf("models: unknown filter family %d, expected Fourier or Gabor", int(c.Filter))
	}
	if c.Filters < 1 {
		return fmt.Errorf("models: Filters = %d, expected at least 1", c.Filters)
	}
	if c.Hidden < 1 {
		return fmt.Errorf("models: Hidden = %d, expected at least 1", c.Hidden)
	}
	if !(c.InputScale > 0) {
		return fmt.Errorf("models: InputScale = %g, expected a positive number", c.InputScale)
	}
	if c.Filter == Gabor && (!(c.GaborAlpha > 0) || !(c.GaborBeta > 0)) {
		return fmt.Errorf("models: Gabor filters need GaborAlpha > 0 and GaborBeta > 0, got %g and %g",
			c.GaborAlpha, c.GaborBeta)
	}
	if c.DType == dtypes.InvalidDType {
		c.DType = dtypes.Float32
	}
	if c.DType != dtypes.Float32 && c.DType != dtypes.Float64 {
		return fmt.Errorf("models: DType %s not supported, expected Float32 or Float64", c.DType)
	}
	return nil
}
