package data

import (
	"bufio"
	"errors"
	"os"

	"pivsr/data/pivfmt"
)

// loadText reads the text and binary formats that package pivfmt parses.
// Errors do not name the file (Load does).
func loadText(path, format string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, describeFSError(err)
	}
	defer f.Close()
	read := pivfmt.ReadColumns
	switch format {
	case FormatVec:
		read = pivfmt.ReadVec
	case FormatFlo:
		read = pivfmt.ReadFlo
	}
	res, err := read(bufio.NewReader(f))
	if err != nil {
		return nil, err
	}
	if res.Field == nil && res.Points == nil {
		return nil, errors.New("no vectors found")
	}
	ds := &Dataset{Units: res.Units, Layout: res.Layout}
	if res.Field != nil {
		ds.Fields = append(ds.Fields, res.Field)
	} else {
		ds.Points = append(ds.Points, res.Points)
	}
	return ds, nil
}
