package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteAtomic creates or replaces the file at path through write, which must
// fill the temporary file it is given (same directory as path, so that the
// final rename stays on one file system). Readers see either the old file or
// the complete new one, never a part, and a failure leaves nothing behind:
// the temporary file is removed on any error.
//
// An existing path is kept, with an error saying to pass --force, unless force
// is set. A path that is one of inputs (the same file, whatever its name, as
// os.SameFile tells) is refused even with force: an output must never
// destroy the data it was computed from. Errors name path.
func WriteAtomic(path string, force bool, inputs []string, write func(tmp string) error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("%s: %w", path, err)
		}
	}()
	existing, err := checkOutput(path, force, inputs)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot create a temporary file in %s: %w", dir, describeFSError(err))
	}
	tmp := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return describeFSError(err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if existing != nil {
		mode = existing.Mode().Perm()
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return describeFSError(err)
	}
	if err := install(tmp, path, force); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// checkOutput applies WriteAtomic's rules before anything is written. It
// returns the description of the existing output, nil when there is none.
func checkOutput(path string, force bool, inputs []string) (fs.FileInfo, error) {
	out, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, describeFSError(err)
	case out.IsDir():
		return nil, errors.New("is a directory, expected an output file name")
	}
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil || !os.SameFile(out, st) {
			continue
		}
		if filepath.Clean(in) == filepath.Clean(path) {
			return nil, errors.New("is an input file: refusing to overwrite it, even with --force; choose another output name")
		}
		return nil, fmt.Errorf("is the input file %s under another name: refusing to overwrite it, even with --force; choose another output name", in)
	}
	if !force {
		return nil, errors.New("already exists; pass --force to replace it")
	}
	return out, nil
}

// install moves tmp to path. Without force it links rather than renames, so
// that a file created at path meanwhile is not clobbered.
func install(tmp, path string, force bool) error {
	if force {
		return describeFSError(os.Rename(tmp, path))
	}
	err := os.Link(tmp, path)
	switch {
	case err == nil:
		os.Remove(tmp)
		return nil
	case errors.Is(err, fs.ErrExist):
		return errors.New("was created by someone else while writing; pass --force to replace it")
	}
	// No hard links on this file system: rename, after checking once more.
	if _, err := os.Lstat(path); err == nil {
		return errors.New("was created by someone else while writing; pass --force to replace it")
	}
	return describeFSError(os.Rename(tmp, path))
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return describeFSError(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return describeFSError(err)
	}
	return describeFSError(f.Close())
}

// syncDir makes a rename durable where the system allows it; failures are
// ignored (some file systems cannot sync a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
