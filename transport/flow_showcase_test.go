package transport

import (
	"errors"
	"testing"
)

func TestRunShowcase(t *testing.T) {
	for _, kind := range ShowcaseFlows {
		var first, last float64
		steps := 0
		err := RunShowcase(kind, 60, 8, 0, 16, 1, func(s ShowcaseStep) error {
			if steps == 0 {
				first = s.Value
			}
			last = s.Value
			steps++
			if s.OnTheSphere != (kind == "sphere") {
				t.Errorf("%s: OnTheSphere = %v", kind, s.OnTheSphere)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if steps != 9 || !(last < first) {
			t.Errorf("%s: %d steps observed (want 9), value %v -> %v (want a decrease)", kind, steps, first, last)
		}
	}
	if err := RunShowcase("vortex", 10, 1, 0, 0, 1, func(ShowcaseStep) error { return nil }); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown kind: %v, want ErrConfig", err)
	}
}
