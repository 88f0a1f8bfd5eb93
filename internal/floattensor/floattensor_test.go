package floattensor

import (
	"slices"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestRoundTrip converts values to each dtype and back: float64 exactly,
// float32 to single precision, with the dimensions kept and the input not
// aliased.
func TestRoundTrip(t *testing.T) {
	in := []float64{1, -2.5, 1.0 / 3, 1e-8}
	for _, c := range []struct {
		dtype dtypes.DType
		tol   float64
	}{{dtypes.Float64, 0}, {dtypes.Float32, 1e-7}} {
		tt := New(c.dtype, in, 2, 2)
		if tt.DType() != c.dtype || !slices.Equal(tt.Shape().Dimensions, []int{2, 2}) {
			t.Fatalf("%s: tensor %s", c.dtype, tt.Shape())
		}
		out, err := Values(tt)
		if err != nil {
			t.Fatal(err)
		}
		for i := range in {
			if d := out[i] - in[i]; d > c.tol*abs(in[i]) || -d > c.tol*abs(in[i]) {
				t.Errorf("%s: value %d is %v, want %v", c.dtype, i, out[i], in[i])
			}
		}
		out[0] = 99
		if again, _ := Values(tt); again[0] == 99 {
			t.Errorf("%s: Values aliases the tensor's storage", c.dtype)
		}
	}
	if _, err := Values(tensors.FromFlatDataAndDimensions([]int32{1, 2}, 2)); err == nil {
		t.Errorf("int32 tensor: no error")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
