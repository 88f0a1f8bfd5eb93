package tui

import (
	"fmt"
	"os"
	"testing"
)

// pickerVec is a placeholder .vec the picker tests list. It is written here
// rather than committed: the project commits no .vec file, so that real PIV
// data never slips into the repository.
const pickerVec = "testdata/picker/insight.vec"

func TestMain(m *testing.M) {
	if err := os.WriteFile(pickerVec, []byte("TITLE=\"placeholder\"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "writing the picker's placeholder:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.Remove(pickerVec)
	os.Exit(code)
}
