package data

// Typed HDF5 I/O in C. gonum.org/v1/hdf5 opens files and walks groups, but its
// Dataset.Read passes the file's element type as the memory type: reading a
// float32 dataset into []float64 garbles it, a float64 one into []float32
// overruns the buffer, big-endian data comes back byte-swapped, and a failed
// H5Dget_type ends in a nil dereference. Here every read names the memory type
// (native double or unsigned char) so that HDF5 converts, and checks the
// element count first.
//
// The libhdf5 of Debian and Ubuntu is built thread-safe, which makes the error
// stack and its automatic printing per OS thread: gonum silences printing in an
// init, on one thread only. So every session here locks its goroutine to one
// thread, silences printing there, and serialises HDF5 calls behind a mutex.

/*
#cgo LDFLAGS: -lhdf5 -lhdf5_hl
#cgo darwin CFLAGS: -I/usr/local/include
#cgo darwin LDFLAGS: -L/usr/local/lib
#cgo linux,!arm64 CFLAGS: -I/usr/local/include -I/usr/lib/x86_64-linux-gnu/hdf5/serial/include
#cgo linux,!arm64 LDFLAGS: -L/usr/local/lib -L/usr/lib/x86_64-linux-gnu/hdf5/serial/
#cgo linux,arm64 CFLAGS: -I/usr/local/include -I/usr/lib/aarch64-linux-gnu/hdf5/serial/include
#cgo linux,arm64 LDFLAGS: -L/usr/local/lib -L/usr/lib/aarch64-linux-gnu/hdf5/serial/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hdf5.h"

static void pivsr_silence(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char first[256]; char last[512]; int n; } pivsr_errs;

static herr_t pivsr_walk(unsigned n, const H5E_error2_t *e, void *data) {
	pivsr_errs *m = (pivsr_errs *)data;
	const char *d = (e != NULL && e->desc != NULL) ? e->desc : "";
	if (d[0] == 0) return 0;
	if (m->n == 0) snprintf(m->first, sizeof m->first, "%s", d);
	snprintf(m->last, sizeof m->last, "%s", d);
	m->n++;
	return 0;
}

// pivsr_error_message describes the calling thread's error stack by its
// outermost and innermost entries.
static void pivsr_error_message(char *out, size_t len) {
	pivsr_errs m;
	m.first[0] = 0;
	m.last[0] = 0;
	m.n = 0;
	out[0] = 0;
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, pivsr_walk, &m);
	if (m.n == 0) return;
	if (m.n == 1 || strcmp(m.first, m.last) == 0) snprintf(out, len, "%s", m.first);
	else snprintf(out, len, "%s: %s", m.first, m.last);
}

// pivsr_dataset_info reports a dataset's type and extent. It returns the
// rank, -1 on an HDF5 error, -2 for a rank above maxrank, -3 for a null
// dataspace.
static int pivsr_dataset_info(hid_t dset, int *cls, size_t *size, int *is_unsigned, hsize_t *dims, int maxrank) {
	hid_t t = H5Dget_type(dset);
	if (t < 0) return -1;
	*cls = (int)H5Tget_class(t);
	*size = H5Tget_size(t);
	*is_unsigned = (*cls == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_NONE);
	H5Tclose(t);
	hid_t s = H5Dget_space(dset);
	if (s < 0) return -1;
	H5S_class_t sc = H5Sget_simple_extent_type(s);
	if (sc == H5S_NULL) { H5Sclose(s); return -3; }
	int rank = H5Sget_simple_extent_ndims(s);
	if (rank > maxrank) { H5Sclose(s); return -2; }
	if (rank > 0 && H5Sget_simple_extent_dims(s, dims, NULL) < 0) rank = -1;
	H5Sclose(s);
	return rank;
}

static int pivsr_count_matches(hid_t dset, hsize_t n) {
	hid_t s = H5Dget_space(dset);
	if (s < 0) return 0;
	hssize_t np = H5Sget_simple_extent_npoints(s);
	H5Sclose(s);
	return np >= 0 && (hsize_t)np == n;
}

// pivsr_storage_ok checks, for contiguous storage, that the space the file
// gives the dataset is what its extent needs (or none: never written, fill
// values): a corrupted layout message otherwise sends H5Dread through
// gigabytes of addresses for half a minute before it fails.
static int pivsr_storage_ok(hid_t dset, hsize_t n) {
	hid_t dcpl = H5Dget_create_plist(dset);
	if (dcpl < 0) return 0;
	H5D_layout_t layout = H5Pget_layout(dcpl);
	H5Pclose(dcpl);
	if (layout != H5D_CONTIGUOUS) return 1;
	hid_t t = H5Dget_type(dset);
	if (t < 0) return 0;
	size_t sz = H5Tget_size(t);
	H5Tclose(t);
	hsize_t have = H5Dget_storage_size(dset);
	return have == 0 || have == n * sz;
}

// pivsr_read_doubles reads all n values of a numeric dataset, converted to double.
static herr_t pivsr_read_doubles(hid_t dset, double *out, hsize_t n) {
	if (!pivsr_count_matches(dset, n)) return -2;
	if (!pivsr_storage_ok(dset, n)) return -3;
	return H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
}

// pivsr_read_flags reads a mask: out[k] = 1 where the value is non-zero (and
// not NaN). Enumerations (h5py's bool) and bit fields are read in their own
// native type, since HDF5 does not convert them to numbers.
static herr_t pivsr_read_flags(hid_t dset, unsigned char *out, hsize_t n) {
	if (!pivsr_count_matches(dset, n)) return -2;
	if (!pivsr_storage_ok(dset, n)) return -3;
	hid_t ft = H5Dget_type(dset);
	if (ft < 0) return -1;
	H5T_class_t cls = H5Tget_class(ft);
	herr_t rc = -1;
	if (cls == H5T_ENUM || cls == H5T_BITFIELD) {
		hid_t mt = H5Tget_native_type(ft, H5T_DIR_ASCEND);
		if (mt >= 0) {
			size_t sz = H5Tget_size(mt);
			unsigned char *buf = malloc(n * sz + 1);
			if (buf != NULL) {
				rc = H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
				for (hsize_t k = 0; rc >= 0 && k < n; k++) {
					unsigned char any = 0;
					for (size_t b = 0; b < sz; b++) any |= buf[k * sz + b];
					out[k] = any != 0;
				}
				free(buf);
			}
			H5Tclose(mt);
		}
	} else {
		double *buf = malloc(n * sizeof(double) + 1);
		if (buf != NULL) {
			rc = H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
			for (hsize_t k = 0; rc >= 0 && k < n; k++) out[k] = buf[k] != 0 && buf[k] == buf[k];
			free(buf);
		}
	}
	H5Tclose(ft);
	return rc;
}

// pivsr_create_file creates (truncating) an HDF5 file in the 1.8 format, whose
// metadata carries checksums, so that corruption is detected on reading;
// every HDF5 reader since 1.8 (2008) reads it.
static hid_t pivsr_create_file(const char *name) {
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (fapl < 0) return -1;
	hid_t f = -1;
	if (H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0)
		f = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
	H5Pclose(fapl);
	return f;
}

enum { PIVSR_F64 = 0, PIVSR_F32 = 1, PIVSR_U8 = 2 };

// pivsr_write_dataset creates dataset name in loc and writes data to it, whose
// memory type matches the file type chosen by kind.
static herr_t pivsr_write_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims, int kind, const void *data) {
	hid_t ftype, mtype;
	switch (kind) {
	case PIVSR_F32: ftype = H5T_IEEE_F32LE; mtype = H5T_NATIVE_FLOAT; break;
	case PIVSR_U8: ftype = H5T_STD_U8LE; mtype = H5T_NATIVE_UCHAR; break;
	default: ftype = H5T_IEEE_F64LE; mtype = H5T_NATIVE_DOUBLE;
	}
	hid_t s = H5Screate_simple(rank, dims, NULL);
	if (s < 0) return -1;
	hid_t d = H5Dcreate2(loc, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	herr_t rc = -1;
	if (d >= 0) {
		rc = H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
		if (H5Dclose(d) < 0) rc = -1;
	}
	H5Sclose(s);
	return rc;
}

// pivsr_write_string_attr writes a fixed-length, null-terminated UTF-8 string
// attribute. Fixed-length strings live in the object header, under its
// checksum; variable-length ones live in the global heap, which has none, and
// libhdf5 (h5py alike) crashes reading a corrupted global heap object.
static herr_t pivsr_write_string_attr(hid_t loc, const char *name, const char *value) {
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0) return -1;
	herr_t rc = -1;
	if (H5Tset_size(t, strlen(value) + 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0) {
		hid_t s = H5Screate(H5S_SCALAR);
		if (s >= 0) {
			hid_t a = H5Acreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
			if (a >= 0) {
				rc = H5Awrite(a, t, value);
				if (H5Aclose(a) < 0) rc = -1;
			}
			H5Sclose(s);
		}
	}
	H5Tclose(t);
	return rc;
}

static herr_t pivsr_write_int_attr(hid_t loc, const char *name, long long value) {
	hid_t s = H5Screate(H5S_SCALAR);
	if (s < 0) return -1;
	herr_t rc = -1;
	hid_t a = H5Acreate2(loc, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
	if (a >= 0) {
		rc = H5Awrite(a, H5T_NATIVE_LLONG, &value);
		if (H5Aclose(a) < 0) rc = -1;
	}
	H5Sclose(s);
	return rc;
}

static herr_t pivsr_count_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
	(*(hsize_t *)data)++;
	return 0;
}

static hsize_t pivsr_num_attrs(hid_t loc) {
	hsize_t n = 0;
	hsize_t idx = 0;
	if (H5Aiterate2(loc, H5_INDEX_NAME, H5_ITER_INC, &idx, pivsr_count_attr, &n) < 0) return 0;
	return n;
}

static hid_t pivsr_attr_open(hid_t loc, hsize_t idx) {
	return H5Aopen_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, idx, H5P_DEFAULT, H5P_DEFAULT);
}

// pivsr_attr_info reports an attribute's type class and number of values.
static int pivsr_attr_info(hid_t a, int *cls, hssize_t *npoints) {
	hid_t t = H5Aget_type(a);
	if (t < 0) return -1;
	*cls = (int)H5Tget_class(t);
	H5Tclose(t);
	hid_t s = H5Aget_space(a);
	if (s < 0) return -1;
	*npoints = H5Sget_simple_extent_npoints(s);
	H5Sclose(s);
	return 0;
}

// pivsr_attr_string reads a single-valued string attribute into a malloc'd C
// string the caller frees.
static char *pivsr_attr_string(hid_t a) {
	hid_t ft = H5Aget_type(a);
	if (ft < 0) return NULL;
	char *out = NULL;
	hid_t mt = H5Tcopy(H5T_C_S1);
	if (H5Tis_variable_str(ft) > 0) {
		char *p = NULL;
		if (H5Tset_size(mt, H5T_VARIABLE) >= 0 && H5Tset_cset(mt, H5Tget_cset(ft)) >= 0 && H5Aread(a, mt, &p) >= 0 && p != NULL) {
			out = strdup(p);
			H5free_memory(p);
		}
	} else {
		size_t sz = H5Tget_size(ft);
		char *buf = calloc(sz + 2, 1);
		if (buf != NULL && H5Tset_size(mt, sz + 1) >= 0 && H5Tset_strpad(mt, H5T_STR_NULLTERM) >= 0 &&
			H5Tset_cset(mt, H5Tget_cset(ft)) >= 0 && H5Aread(a, mt, buf) >= 0) {
			out = buf;
			buf = NULL;
		}
		free(buf);
	}
	H5Tclose(mt);
	H5Tclose(ft);
	return out;
}

static herr_t pivsr_attr_doubles(hid_t a, double *out) {
	return H5Aread(a, H5T_NATIVE_DOUBLE, out);
}

static herr_t pivsr_attr_llong(hid_t a, long long *out) {
	return H5Aread(a, H5T_NATIVE_LLONG, out);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// h5mu serialises this package's use of the HDF5 library.
var h5mu sync.Mutex

// withH5 runs fn with the HDF5 library to itself, on one OS thread whose
// automatic error printing is off. A panic inside (gonum's wrappers have a few
// on failure paths) comes back as an error.
func withH5(fn func() error) (err error) {
	h5mu.Lock()
	defer h5mu.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.pivsr_silence()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in the HDF5 layer: %v", r)
		}
	}()
	return fn()
}

// h5Message describes the HDF5 error stack of the current thread, "" when empty.
// Call it right after the failing call, inside withH5.
func h5Message() string {
	var buf [800]C.char
	C.pivsr_error_message(&buf[0], C.size_t(len(buf)))
	return C.GoString(&buf[0])
}

// h5Err turns a failed HDF5 call into an error saying what was being done and
// what HDF5 reported.
func h5Err(doing string) error {
	if msg := h5Message(); msg != "" {
		return fmt.Errorf("%s: %s", doing, msg)
	}
	return errors.New(doing)
}

const maxRank = 32

// h5DatasetInfo describes the open dataset id, named p.
func h5DatasetInfo(id int64, p string) (DatasetInfo, error) {
	var (
		cls      C.int
		size     C.size_t
		unsigned C.int
		dims     [maxRank]C.hsize_t
	)
	rank := C.pivsr_dataset_info(C.hid_t(id), &cls, &size, &unsigned, &dims[0], maxRank)
	info := DatasetInfo{Path: p, Type: ElemType{Class: typeClass(int(cls)), Size: int(size), Unsigned: unsigned != 0}}
	switch {
	case rank == -3:
		info.Shape = []int{0} // a null dataspace holds nothing
		return info, nil
	case rank == -2:
		return info, fmt.Errorf("dataset %s has more than %d dimensions", p, maxRank)
	case rank < 0:
		return info, h5Err("cannot read the description of dataset " + p)
	}
	info.Shape = make([]int, int(rank))
	for i := range info.Shape {
		d := uint64(dims[i])
		if d > math.MaxInt32 {
			d = math.MaxInt32 // elements() refuses it anyway
		}
		info.Shape[i] = int(d)
	}
	if rank == 0 {
		info.Shape = nil
	}
	return info, nil
}

func typeClass(c int) TypeClass {
	switch c {
	case C.H5T_INTEGER:
		return ClassInteger
	case C.H5T_FLOAT:
		return ClassFloat
	case C.H5T_STRING:
		return ClassString
	case C.H5T_ENUM:
		return ClassEnum
	case C.H5T_BITFIELD:
		return ClassBitfield
	}
	return ClassOther
}

// h5ReadFloat64 reads all values of a numeric dataset into dst, converted.
func h5ReadFloat64(id int64, p string, dst []float64) error {
	if len(dst) == 0 {
		return nil
	}
	rc := C.pivsr_read_doubles(C.hid_t(id), (*C.double)(unsafe.Pointer(&dst[0])), C.hsize_t(len(dst)))
	if rc == -2 {
		return fmt.Errorf("dataset %s does not hold the %d values expected", p, len(dst))
	}
	if rc == -3 {
		return fmt.Errorf("dataset %s: its storage in the file does not match its shape (corrupted file?)", p)
	}
	if rc < 0 {
		return h5Err("cannot read dataset " + p + " (truncated or corrupted file?)")
	}
	return nil
}

// h5ReadFlags reads a mask dataset: dst[k] is true where the value is non-zero.
func h5ReadFlags(id int64, p string, dst []bool) error {
	if len(dst) == 0 {
		return nil
	}
	buf := make([]byte, len(dst))
	rc := C.pivsr_read_flags(C.hid_t(id), (*C.uchar)(unsafe.Pointer(&buf[0])), C.hsize_t(len(buf)))
	if rc == -2 {
		return fmt.Errorf("mask %s does not hold the %d values expected", p, len(dst))
	}
	if rc == -3 {
		return fmt.Errorf("mask %s: its storage in the file does not match its shape (corrupted file?)", p)
	}
	if rc < 0 {
		return h5Err("cannot read mask " + p + " (truncated or corrupted file?)")
	}
	for k, b := range buf {
		dst[k] = b != 0
	}
	return nil
}

// h5CreateFile creates (truncating) the HDF5 file name and returns its id.
func h5CreateFile(name string) (int64, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	id := C.pivsr_create_file(cname)
	if id < 0 {
		return 0, h5Err("cannot create HDF5 file")
	}
	return int64(id), nil
}

// h5CloseFile closes a file created by h5CreateFile, flushing it.
func h5CloseFile(id int64) error {
	if C.H5Fclose(C.hid_t(id)) < 0 {
		return h5Err("cannot close HDF5 file")
	}
	return nil
}

// h5WriteFloat64 writes values as dataset name of loc, stored as float32 when
// single is set, else float64.
func h5WriteFloat64(loc int64, name string, shape []int, values []float64, single bool) error {
	if len(values) == 0 {
		return fmt.Errorf("dataset %s: nothing to write", name)
	}
	if single {
		f32 := make([]float32, len(values))
		for k, v := range values {
			f32[k] = float32(v)
		}
		return h5Write(loc, name, shape, C.PIVSR_F32, unsafe.Pointer(&f32[0]), len(f32))
	}
	return h5Write(loc, name, shape, C.PIVSR_F64, unsafe.Pointer(&values[0]), len(values))
}

// h5WriteUint8 writes values as a uint8 dataset name of loc.
func h5WriteUint8(loc int64, name string, shape []int, values []uint8) error {
	if len(values) == 0 {
		return fmt.Errorf("dataset %s: nothing to write", name)
	}
	return h5Write(loc, name, shape, C.PIVSR_U8, unsafe.Pointer(&values[0]), len(values))
}

func h5Write(loc int64, name string, shape []int, kind C.int, data unsafe.Pointer, n int) error {
	want := 1
	dims := make([]C.hsize_t, len(shape))
	for i, d := range shape {
		dims[i] = C.hsize_t(d)
		want *= d
	}
	if want != n || n == 0 {
		return fmt.Errorf("dataset %s: %d values for shape %v", name, n, shapeString(shape))
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if C.pivsr_write_dataset(C.hid_t(loc), cname, C.int(len(shape)), &dims[0], kind, data) < 0 {
		return h5Err("cannot write dataset " + name)
	}
	return nil
}

// h5WriteStringAttr writes a fixed-length UTF-8 string attribute on loc.
func h5WriteStringAttr(loc int64, name, value string) error {
	cname, cvalue := C.CString(name), C.CString(value)
	defer C.free(unsafe.Pointer(cname))
	defer C.free(unsafe.Pointer(cvalue))
	if C.pivsr_write_string_attr(C.hid_t(loc), cname, cvalue) < 0 {
		return h5Err("cannot write attribute " + name)
	}
	return nil
}

// h5WriteIntAttr writes a 64-bit integer attribute on loc.
func h5WriteIntAttr(loc int64, name string, value int64) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if C.pivsr_write_int_attr(C.hid_t(loc), cname, C.longlong(value)) < 0 {
		return h5Err("cannot write attribute " + name)
	}
	return nil
}

// maxAttrs bounds how many attributes are read from one object.
const maxAttrs = 1024

// h5ReadAttrs reads the attributes of loc that have a single value (strings,
// numbers) or a few numbers (written as "[1 2 3]"), as strings. Others are
// skipped: attributes are informative, never needed to load a field.
func h5ReadAttrs(loc int64) map[string]string {
	attrs := map[string]string{}
	n := uint64(C.pivsr_num_attrs(C.hid_t(loc)))
	if n > maxAttrs {
		n = maxAttrs
	}
	for idx := uint64(0); idx < n; idx++ {
		a := C.pivsr_attr_open(C.hid_t(loc), C.hsize_t(idx))
		if a < 0 {
			continue
		}
		name, value, ok := h5AttrValue(a)
		C.H5Aclose(a)
		if ok {
			attrs[name] = value
		}
	}
	return attrs
}

func h5AttrValue(a C.hid_t) (name, value string, ok bool) {
	var buf [256]C.char
	if C.H5Aget_name(a, C.size_t(len(buf)), &buf[0]) < 0 {
		return "", "", false
	}
	name = C.GoString(&buf[0])
	var (
		cls     C.int
		npoints C.hssize_t
	)
	if C.pivsr_attr_info(a, &cls, &npoints) < 0 {
		return "", "", false
	}
	switch {
	case cls == C.H5T_STRING && npoints == 1:
		s := C.pivsr_attr_string(a)
		if s == nil {
			return "", "", false
		}
		defer C.free(unsafe.Pointer(s))
		return name, C.GoString(s), true
	case cls == C.H5T_INTEGER && npoints == 1:
		var v C.longlong
		if C.pivsr_attr_llong(a, &v) < 0 {
			return "", "", false
		}
		return name, strconv.FormatInt(int64(v), 10), true
	case (cls == C.H5T_INTEGER || cls == C.H5T_FLOAT) && npoints >= 1 && npoints <= 16:
		vs := make([]float64, int(npoints))
		if C.pivsr_attr_doubles(a, (*C.double)(unsafe.Pointer(&vs[0]))) < 0 {
			return "", "", false
		}
		parts := make([]string, len(vs))
		for i, v := range vs {
			parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		if len(parts) == 1 {
			return name, parts[0], true
		}
		return name, "[" + strings.Join(parts, " ") + "]", true
	}
	return "", "", false
}
