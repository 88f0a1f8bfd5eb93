package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDoctorListsPlugins(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "pjrt_c_api_cuda_plugin.so")
	if err := os.WriteFile(fake, nil, 0o644); err != nil { // never loaded without -probe
		t.Fatal(err)
	}
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	code, stdout, stderr := run(t, "doctor", "-json")
	if code != ExitOK {
		t.Fatalf("doctor exit %d: %s", code, stderr)
	}
	var r doctorReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("doctor -json: %v\n%s", err, stdout)
	}
	if len(r.Plugins) == 0 || r.Plugins[0].Path != fake || r.Plugins[0].Source != "PJRT_PLUGIN_LIBRARY_PATH" {
		t.Fatalf("plugins %+v, want the fake CUDA plugin first", r.Plugins)
	}
	if r.CPUs < 1 || r.HDF5 == "" || !strings.HasPrefix(r.HDF5, "1.") || len(r.Backends) < 2 || r.Backends[0].Spec != "go" || !r.Backends[0].Available {
		t.Errorf("report %+v", r)
	}
	wantAvailable := r.GPU.Present
	if b := r.Backends[1]; b.Spec != "xla:"+fake || b.Available != wantAvailable {
		t.Errorf("backend %+v: want the fake plugin, available only with a GPU", b)
	}
}
