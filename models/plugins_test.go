package models

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// touch creates an empty file (and its folders) under root; the plugins
// are fakes: discovery never loads them.
func touch(t *testing.T, root, rel string) string {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPluginSearchFind(t *testing.T) {
	root := t.TempDir()
	env := touch(t, root, "env/pjrt_c_api_cuda_plugin.so")
	touch(t, root, "env/libunrelated.so")
	goxlaCPU := touch(t, root, "home/.local/lib/go-xla/pjrt_c_api_cpu_v0.83.1_plugin.so")
	goxlaCUDA := touch(t, root, "home/.local/lib/go-xla/nvidia/pjrt_c_api_cuda_plugin.so")
	jax13 := touch(t, root, "venv/site-packages/jax_plugins/xla_cuda13/xla_cuda_plugin.so")
	jax12 := touch(t, root, "venv/site-packages/jax_plugins/xla_cuda12/xla_cuda_plugin.so")
	if err := os.MkdirAll(filepath.Join(root, "venv/site-packages/jax_cuda13_pjrt-0.11.2.dist-info"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A folder named like a plugin is no plugin.
	if err := os.MkdirAll(filepath.Join(root, "env/pjrt_c_api_tpu_plugin.so"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A plugin folder reached twice (a symbolic link) is listed once.
	if err := os.Symlink(filepath.Join(root, "venv/site-packages"), filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	s := PluginSearch{
		EnvDirs:      []string{filepath.Join(root, "env"), filepath.Join(root, "missing")},
		GoXLADirs:    []string{filepath.Join(root, "home/.local/lib/go-xla"), filepath.Join(root, "home/.local/lib/go-xla/nvidia")},
		SitePackages: []string{filepath.Join(root, "venv/site-packages"), filepath.Join(root, "alias")},
	}
	got := s.Find()
	want := []Plugin{
		{Path: env, Name: "cuda", Source: PluginSourceEnv},
		{Path: goxlaCPU, Name: "cpu", Version: "v0.83.1", Source: PluginSourceGoXLA},
		{Path: goxlaCUDA, Name: "cuda", Source: PluginSourceGoXLA},
		{Path: jax13, Name: "cuda13", Version: "0.11.2", Package: "jax-cuda13-pjrt", Source: PluginSourceJAX},
		{Path: jax12, Name: "cuda12", Source: PluginSourceJAX},
	}
	if len(got) != len(want) {
		t.Fatalf("Find() = %+v, want %d plugins", got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("plugin %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestChooseAuto(t *testing.T) {
	cpu := Plugin{Path: "/x/pjrt_c_api_cpu_plugin.so", Name: "cpu", Source: PluginSourceGoXLA}
	jax := Plugin{Path: "/sp/jax_plugins/xla_cuda13/xla_cuda_plugin.so", Name: "cuda13", Source: PluginSourceJAX}
	goxla := Plugin{Path: "/x/nvidia/pjrt_c_api_cuda_plugin.so", Name: "cuda", Source: PluginSourceGoXLA}
	for _, tc := range []struct {
		name       string
		gpu        bool
		plugins    []Plugin
		wantPath   string // "" : the Go backend
		wantReason string
	}{
		{"nothing", false, nil, "", "no GPU"},
		{"plugin without GPU", false, []Plugin{jax}, "", "but no GPU"},
		{"GPU without plugin", true, []Plugin{cpu}, "", "no CUDA PJRT plugin"},
		{"GPU and JAX plugin", true, []Plugin{cpu, jax}, jax.Path, "JAX installation"},
		{"first CUDA plugin wins", true, []Plugin{goxla, jax}, goxla.Path, "go-xla install"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, reason := ChooseAuto(tc.gpu, "test", tc.plugins)
			path := ""
			if p != nil {
				path = p.Path
			}
			if path != tc.wantPath || !strings.Contains(reason, tc.wantReason) {
				t.Errorf("autoPlugin = %q, %q; want %q and a reason mentioning %q", path, reason, tc.wantPath, tc.wantReason)
			}
		})
	}
}

func TestCUDADataDir(t *testing.T) {
	root := t.TempDir()
	so := touch(t, root, "sp/jax_plugins/xla_cuda13/xla_cuda_plugin.so")
	if got := cudaDataDir(so); got != "" {
		t.Fatalf("cudaDataDir without CUDA tools = %q, want none", got)
	}
	touch(t, root, "sp/nvidia/cu13/nvvm/libdevice/libdevice.10.bc")
	if got, want := cudaDataDir(so), filepath.Join(root, "sp/nvidia/cu13"); got != want {
		t.Fatalf("cudaDataDir = %q, want %q", got, want)
	}
}

func TestNewBackendAutoNamesItsReason(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "pjrt_c_api_cuda_plugin.so") // a fake: it cannot start
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	_, desc, err := NewBackend("auto")
	if err != nil {
		t.Fatal(err)
	}
	gpu, _ := DetectGPU()
	want := "but no GPU"
	if gpu {
		want = "but XLA failed to start"
	}
	if !strings.HasPrefix(desc, "go:") || !strings.Contains(desc, "chosen by auto") || !strings.Contains(desc, want) {
		t.Errorf("auto with a fake CUDA plugin: %q, want the Go backend and a reason with %q", desc, want)
	}
}
