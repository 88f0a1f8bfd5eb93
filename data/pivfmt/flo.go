package pivfmt

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"pivsr/piv"
)

// Middlebury .flo constants (Baker et al., "A Database and Evaluation
// Methodology for Optical Flow", flow-code/README).
const (
	floMagic        = 202021.25 // float32 whose little-endian bytes spell "PIEH"
	floUnknown      = 1e10      // written for unknown flow
	floUnknownAbove = 1e9       // |value| above this reads as unknown
	floHeaderBytes  = 12
)

// ReadFlo reads a Middlebury .flo optical-flow file: the float32 202021.25
// ("PIEH"), int32 width, int32 height, then width*height (u, v) float32
// pairs, row by row, all little-endian. A component whose magnitude exceeds
// 1e9 marks an unknown vector, which is masked (u, v set to NaN).
//
// The grid is the pixel grid: X = 0 .. width-1 and Y = 0 .. height-1 with
// spacing 1, Y increasing downward as image rows do (so positive v points
// down the image). Units are "px" and "px/frame". Sizes above 2^28 pixels, or
// beyond the data actually present, are refused before the flow is
// allocated; a file shorter or longer than its header says is an error.
func ReadFlo(r io.Reader) (*Result, error) {
	var hdr [floHeaderBytes]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, errors.New("empty input: no .flo header")
		}
		return nil, fmt.Errorf("truncated .flo header: %d of %d bytes", n, floHeaderBytes)
	}
	if magic := math.Float32frombits(binary.LittleEndian.Uint32(hdr[0:4])); magic != floMagic {
		return nil, fmt.Errorf("not a Middlebury .flo file: starts with %q, want \"PIEH\" (float32 %v)", hdr[0:4], floMagic)
	}
	w := int64(int32(binary.LittleEndian.Uint32(hdr[4:8])))
	h := int64(int32(binary.LittleEndian.Uint32(hdr[8:12])))
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf(".flo header gives size %d x %d, want positive width and height", w, h)
	}
	if w*h > maxFloPixels {
		return nil, fmt.Errorf(".flo header gives size %d x %d = %d pixels, more than the %d supported", w, h, w*h, maxFloPixels)
	}
	want := 8 * w * h
	// Read through a limit so that memory follows the bytes actually present,
	// not the size the header claims.
	data, err := io.ReadAll(io.LimitReader(r, want+1))
	if err != nil {
		return nil, fmt.Errorf("reading .flo data: %w", err)
	}
	if int64(len(data)) < want {
		return nil, fmt.Errorf("truncated .flo file: a %d x %d flow needs %d data bytes, found %d", w, h, want, len(data))
	}
	if int64(len(data)) > want {
		return nil, fmt.Errorf(".flo file has data beyond the %d x %d flow its header gives", w, h)
	}

	f := piv.NewField(piv.UniformGrid(int(w), int(h), 0, 0, 1, 1))
	f.Units = piv.Units{Length: "px", Velocity: "px/frame"}
	for k := range f.U {
		u := float64(math.Float32frombits(binary.LittleEndian.Uint32(data[8*k:])))
		v := float64(math.Float32frombits(binary.LittleEndian.Uint32(data[8*k+4:])))
		if !(math.Abs(u) <= floUnknownAbove && math.Abs(v) <= floUnknownAbove) { // NaN included
			if f.Mask == nil {
				f.Mask = make([]bool, len(f.U))
				for i := range f.Mask {
					f.Mask[i] = true
				}
			}
			f.Mask[k] = false
			u, v = math.NaN(), math.NaN()
		}
		f.U[k], f.V[k] = u, v
	}
	if f.NumValid() == 0 {
		return nil, fmt.Errorf("no valid vectors: all %d flow vectors of the .flo file are unknown", len(f.U))
	}
	return &Result{Field: f, Units: f.Units, Layout: LayoutFlo}, nil
}

// WriteFlo writes f as a Middlebury .flo file: its U and V as float32, row
// by row, invalid vectors as the unknown value 1e10. The file has no
// coordinates: ReadFlo returns the pixel grid 0 .. nx-1, 0 .. ny-1 whatever
// f's grid was. A valid vector with a component beyond 1e9 in magnitude
// cannot be stored and is an error.
func WriteFlo(w io.Writer, f *piv.Field) error {
	if err := f.Check(); err != nil {
		return err
	}
	nx, ny := f.NX(), f.NY()
	if int64(nx)*int64(ny) > maxFloPixels {
		return fmt.Errorf("a %d x %d field is more than the %d pixels a .flo file may hold here", nx, ny, maxFloPixels)
	}
	bw := bufio.NewWriter(w)
	var buf [8]byte
	binary.LittleEndian.PutUint32(buf[0:4], math.Float32bits(floMagic))
	bw.Write(buf[0:4])
	binary.LittleEndian.PutUint32(buf[0:4], uint32(nx))
	binary.LittleEndian.PutUint32(buf[4:8], uint32(ny))
	bw.Write(buf[:])
	for k := range f.U {
		u, v := float32(floUnknown), float32(floUnknown)
		if f.Valid(k) {
			if math.Abs(f.U[k]) > floUnknownAbove || math.Abs(f.V[k]) > floUnknownAbove {
				return fmt.Errorf("vector (%d, %d) = (%g, %g) exceeds the .flo unknown-flow threshold %g", k%nx, k/nx, f.U[k], f.V[k], floUnknownAbove)
			}
			u, v = float32(f.U[k]), float32(f.V[k])
		}
		binary.LittleEndian.PutUint32(buf[0:4], math.Float32bits(u))
		binary.LittleEndian.PutUint32(buf[4:8], math.Float32bits(v))
		bw.Write(buf[:])
	}
	return bw.Flush()
}
