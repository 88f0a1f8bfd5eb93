package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File formats Load knows, as LoadOptions.Format names them.
const (
	FormatHDF5    = "h5"  // HDF5: project layout v1 or a foreign layout
	FormatVec     = "vec" // TSI Insight .vec (Tecplot ASCII POINT zone)
	FormatColumns = "txt" // whitespace- or comma-separated x y u v columns
	FormatFlo     = "flo" // Middlebury optical flow .flo
)

var (
	hdf5Magic = []byte("\x89HDF\r\n\x1a\n")
	floMagic  = []byte("PIEH") // float32 202021.25, little-endian
)

// Load reads a velocity field, or a time series, from a file of any format it
// knows: HDF5 (see LoadHDF5), TSI .vec, x y u v text columns or Middlebury .flo.
// The format is opt.Format when set, else found by content (the HDF5 and .flo
// signatures, a Tecplot header), then by extension (.h5 .hdf5 .he5 .hdf; .vec;
// .txt .dat .csv; .flo). Errors name the file.
func Load(path string, opt LoadOptions) (*Dataset, error) {
	ds, err := load(path, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ds.Source = path
	return ds, nil
}

func load(path string, opt LoadOptions) (*Dataset, error) {
	format, err := formatOf(path, opt.Format)
	if err != nil {
		return nil, err
	}
	if format == FormatHDF5 {
		return loadHDF5(path, opt)
	}
	return loadText(path, format)
}

// DetectFormat names the format of a file as Load would detect it: one of
// FormatHDF5, FormatVec, FormatColumns, FormatFlo. Errors name the file.
func DetectFormat(path string) (string, error) {
	f, err := formatOf(path, "")
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// formatOf returns the format forced (normalising its aliases) or detected.
func formatOf(path, forced string) (string, error) {
	if forced != "" {
		switch strings.ToLower(strings.TrimPrefix(forced, ".")) {
		case "h5", "hdf5", "hdf", "he5":
			return FormatHDF5, nil
		case "vec":
			return FormatVec, nil
		case "txt", "dat", "csv", "columns":
			return FormatColumns, nil
		case "flo":
			return FormatFlo, nil
		}
		return "", fmt.Errorf("unknown format %q: expected h5, vec, txt or flo", forced)
	}
	if err := checkReadable(path); err != nil {
		return "", err
	}
	head, err := readHead(path, 512)
	if err != nil {
		return "", err
	}
	if ok, err := hasHDF5Signature(path); err != nil {
		return "", err
	} else if ok {
		return FormatHDF5, nil
	}
	if bytes.HasPrefix(head, floMagic) {
		return FormatFlo, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".h5", ".hdf5", ".he5", ".hdf":
		return FormatHDF5, nil // loadHDF5 then reports the missing signature
	case ".vec":
		return FormatVec, nil
	case ".txt", ".dat", ".csv":
		return FormatColumns, nil
	case ".flo":
		return FormatFlo, nil
	}
	t := bytes.ToUpper(bytes.TrimLeft(head, " \t\r\n\ufeff"))
	if bytes.HasPrefix(t, []byte("TITLE")) || bytes.HasPrefix(t, []byte("VARIABLES")) {
		return FormatVec, nil
	}
	return "", fmt.Errorf("unknown file format: no HDF5 or .flo signature, and extension %q is none of .h5 .hdf5 .he5 .hdf .vec .txt .dat .csv .flo; pass --format", filepath.Ext(path))
}

// checkReadable checks that path is an existing, non-empty regular file, with
// errors that do not repeat the path.
func checkReadable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return describeFSError(err)
	}
	if st.IsDir() {
		return errors.New("is a directory, expected a file")
	}
	if st.Size() == 0 {
		return errors.New("empty file")
	}
	return nil
}

func describeFSError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("no such file")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, describeFSError(err)
	}
	defer f.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, describeFSError(err)
	}
	return buf[:k], nil
}

// hasHDF5Signature looks for the HDF5 signature where the format allows it:
// at offset 0, or after a user block at 512, 1024, 2048, ... bytes.
func hasHDF5Signature(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, describeFSError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, describeFSError(err)
	}
	buf := make([]byte, len(hdf5Magic))
	for off := int64(0); off+int64(len(buf)) <= st.Size(); {
		if _, err := f.ReadAt(buf, off); err != nil {
			return false, describeFSError(err)
		}
		if bytes.Equal(buf, hdf5Magic) {
			return true, nil
		}
		if off == 0 {
			off = 512
		} else {
			off *= 2
		}
	}
	return false, nil
}
