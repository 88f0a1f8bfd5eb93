package nf

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"pivsr/data"
)

// BLRData is one train/test split of a binary classification benchmark:
// inputs one row per example, labels -1 or +1.
type BLRData struct {
	XTrain, XTest *mat.Dense
	YTrain, YTest []float64
}

// LoadBLR reads split (1-based) of a benchmark file laid out as groups
// splitK holding X_train, X_test (float64 [n, d]) and y_train, y_test
// (int8 [n], -1 or +1), through the data package's guarded HDF5 reader.
func LoadBLR(path string, split int) (*BLRData, error) {
	if split < 1 {
		return nil, fmt.Errorf("%w: split %d, want 1 or more", ErrConfig, split)
	}
	group := fmt.Sprintf("split%d/", split)
	var out BLRData
	for _, part := range []struct {
		x **mat.Dense
		y *[]float64
		s string
	}{{&out.XTrain, &out.YTrain, "train"}, {&out.XTest, &out.YTest, "test"}} {
		x, dims, err := data.ReadArray(path, group+"X_"+part.s)
		if err != nil {
			return nil, err
		}
		y, ydims, err := data.ReadArray(path, group+"y_"+part.s)
		if err != nil {
			return nil, err
		}
		if len(dims) != 2 || len(ydims) != 1 || ydims[0] != dims[0] || dims[0] < 1 || dims[1] < 1 {
			return nil, fmt.Errorf("%s: %sX_%s is %v and y_%s %v: want [n d] and [n], n and d at least 1", path, group, part.s, dims, part.s, ydims)
		}
		for i, v := range y {
			if v != 1 && v != -1 {
				return nil, fmt.Errorf("%s: %sy_%s[%d] = %v, want -1 or +1", path, group, part.s, i, v)
			}
		}
		*part.x, *part.y = mat.NewDense(dims[0], dims[1], x), y
	}
	if _, dTrain := out.XTrain.Dims(); dTrain != func() int { _, d := out.XTest.Dims(); return d }() {
		return nil, fmt.Errorf("%s: %s X_train and X_test have different numbers of columns", path, group)
	}
	return &out, nil
}
