package data

import (
	"fmt"

	"gonum.org/v1/hdf5"
)

// ReadArray reads one numeric dataset of an HDF5 file of any layout (a
// benchmark's X_train, a mask), converted to float64 by the HDF5 library,
// with its shape. It goes through the same guarded layer as LoadHDF5: bad
// files give errors naming the file and the dataset, never a panic or
// HDF5's own error printing.
func ReadArray(path, dataset string) (values []float64, shape []int, err error) {
	if err := checkReadable(path); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if ok, err := hasHDF5Signature(path); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	} else if !ok {
		return nil, nil, fmt.Errorf("%s: not an HDF5 file (no HDF5 signature)", path)
	}
	err = withH5(func() error {
		f, err := hdf5.OpenFile(path, hdf5.F_ACC_RDONLY)
		if err != nil {
			return h5Err("cannot open as HDF5 (truncated or corrupted?)")
		}
		defer f.Close()
		p := cleanPath(dataset)
		if !f.LinkExists(p[1:]) {
			return fmt.Errorf("no dataset %s", p)
		}
		d, err := f.OpenDataset(p)
		if err != nil {
			return h5Err("cannot open dataset " + p)
		}
		defer d.Close()
		info, err := h5DatasetInfo(d.ID(), p)
		if err != nil {
			return err
		}
		if !info.Type.Numeric() {
			return fmt.Errorf("dataset %s holds %s, want numbers", p, info.Type)
		}
		n := 1
		for _, s := range info.Shape {
			n *= s
			if n > MaxElements {
				return fmt.Errorf("dataset %s is %v: more than %d values", p, info.Shape, MaxElements)
			}
		}
		values, shape = make([]float64, n), info.Shape
		return h5ReadFloat64(d.ID(), p, values)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return values, shape, nil
}

// HDF5Version is the version of the HDF5 library pivsr runs with.
func HDF5Version() (string, error) {
	var v string
	err := withH5(func() error {
		lib, err := hdf5.LibVersion()
		v = lib.String()
		return err
	})
	if err != nil {
		return "", fmt.Errorf("the HDF5 library does not say its version: %w", err)
	}
	return v, nil
}
