package models

import (
	"strings"
	"testing"
)

func TestNewBackend(t *testing.T) {
	for _, tc := range []struct {
		spec     string
		wantDesc string // substring of the description; empty: an error is expected
		wantErr  string
	}{
		{spec: "go", wantDesc: "go: "},
		// No PJRT plugin is installed where the tests run: auto falls back and says why.
		{spec: "auto", wantDesc: "chosen by auto"},
		{spec: "xla:", wantErr: "names no PJRT plugin"},
		{spec: "xla:relative/plugin.so", wantErr: "absolute"},
		{spec: "tpu", wantErr: "unknown backend"},
		{spec: "", wantErr: "unknown backend"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			b, desc, err := NewBackend(tc.spec)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NewBackend(%q) error %v, want one mentioning %q", tc.spec, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewBackend(%q): %v", tc.spec, err)
			}
			if b == nil || !strings.Contains(desc, tc.wantDesc) {
				t.Fatalf("NewBackend(%q) description %q, want it to contain %q", tc.spec, desc, tc.wantDesc)
			}
			if strings.HasPrefix(desc, "go:") && !strings.Contains(desc, "unlimited workers") {
				t.Errorf("Go backend description %q: the worker limit was not lifted", desc)
			}
		})
	}
}

func TestNewBackendMissingPlugin(t *testing.T) {
	if hasPlugin("cuda") {
		t.Skip("a CUDA PJRT plugin is installed")
	}
	if _, _, err := NewBackend("xla:cuda"); err == nil {
		t.Fatal("NewBackend(xla:cuda) succeeded without a plugin")
	}
	if _, _, err := NewBackend("xla:/nonexistent/pjrt_c_api_cuda_plugin.so"); err == nil {
		t.Fatal("NewBackend with a missing plugin path succeeded")
	}
}
