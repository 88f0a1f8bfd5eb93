package nf

import (
	"fmt"
	"math"
	"math/rand/v2"

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

// Resplit pools the train and test examples of d and draws a new split with
// a seeded shuffle: the first round(trainFraction * n) examples of the
// permutation train, the rest test (the published protocol's random 80/20
// split; the benchmark files hold the whole data set in each split).
func (d *BLRData) Resplit(trainFraction float64, seed uint64) (*BLRData, error) {
	nTrain, dim := d.XTrain.Dims()
	nTest, _ := d.XTest.Dims()
	n := nTrain + nTest
	k := int(math.Round(trainFraction * float64(n)))
	if !(trainFraction > 0 && trainFraction < 1) || k < 1 || k >= n {
		return nil, fmt.Errorf("%w: train fraction %v of %d examples: want a share leaving both parts non-empty", ErrConfig, trainFraction, n)
	}
	row := func(i int) ([]float64, float64) {
		if i < nTrain {
			return d.XTrain.RawRowView(i), d.YTrain[i]
		}
		return d.XTest.RawRowView(i - nTrain), d.YTest[i-nTrain]
	}
	perm := rand.New(rand.NewPCG(seed, 0xb1a5)).Perm(n)
	out := &BLRData{XTrain: mat.NewDense(k, dim, nil), XTest: mat.NewDense(n-k, dim, nil),
		YTrain: make([]float64, k), YTest: make([]float64, n-k)}
	for j, i := range perm {
		x, y := row(i)
		if j < k {
			out.XTrain.SetRow(j, x)
			out.YTrain[j] = y
		} else {
			out.XTest.SetRow(j-k, x)
			out.YTest[j-k] = y
		}
	}
	return out, nil
}
