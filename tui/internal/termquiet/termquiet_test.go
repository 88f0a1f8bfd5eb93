package termquiet

import (
	"os"
	"testing"
)

func TestRestore(t *testing.T) {
	// This test binary does not link Bubble Tea; init has set TERM=dumb.
	if os.Getenv("TERM") != "dumb" {
		t.Fatalf("init should hide TERM, got %q", os.Getenv("TERM"))
	}
	Restore()
	if v, ok := os.LookupEnv("TERM"); v != saved || ok != wasSet {
		t.Errorf("after Restore TERM = %q (set %v), want %q (set %v)", v, ok, saved, wasSet)
	}
	os.Setenv("TERM", "changed-later")
	Restore() // a second call changes nothing
	if os.Getenv("TERM") != "changed-later" {
		t.Error("Restore must act once")
	}
	if wasSet {
		os.Setenv("TERM", saved)
	} else {
		os.Unsetenv("TERM")
	}
}
