// Package floattensor converts between float64 slices and GoMLX tensors of
// float32 or float64, the two dtypes pivsr's networks run in: the host keeps
// float64, the graphs take either.
package floattensor

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// New returns a tensor of dtype (Float64, or Float32 for anything else)
// holding a copy of values with the given dimensions.
func New(dtype dtypes.DType, values []float64, dims ...int) *tensors.Tensor {
	if dtype == dtypes.Float64 {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), values...), dims...)
	}
	f32 := make([]float32, len(values))
	for i, v := range values {
		f32[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(f32, dims...)
}

// Values returns a float32 or float64 tensor's values as float64s, and an
// error for any other dtype.
func Values(t *tensors.Tensor) ([]float64, error) {
	var out []float64
	err := t.ConstFlatData(func(flat any) {
		switch f := flat.(type) {
		case []float32:
			out = make([]float64, len(f))
			for i, x := range f {
				out[i] = float64(x)
			}
		case []float64:
			out = append([]float64(nil), f...)
		}
	})
	if err == nil && out == nil {
		err = fmt.Errorf("tensor of dtype %s is not float32 or float64", t.DType())
	}
	return out, err
}
