package models

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/go-xla/compute/xla"
	"github.com/gomlx/go-xla/pjrt"
)

// NewBackend returns the compute backend named by spec and a one-line
// description of it (backend, device, threads):
//
//   - "go": GoMLX's pure Go backend, on all GOMAXPROCS threads;
//   - "xla:cuda" (or another installed PJRT plugin name, e.g. "xla:cpu"): XLA
//     through that plugin;
//   - "xla:/abs/path/plugin.so": XLA through the plugin at that path;
//   - "auto": XLA through the first CUDA PJRT plugin FindPlugins lists
//     (PJRT_PLUGIN_LIBRARY_PATH, go-xla's install folders, a JAX
//     installation's jax_plugins/xla_cuda*) when a GPU seems present
//     (DetectGPU) and the plugin starts, else the Go backend; the
//     description says which runs and why.
//
// "xla:cuda" falls back to the first CUDA plugin FindPlugins lists when
// go-xla's own search finds none (a JAX installation's plugin, say).
// Plugins are never downloaded: GoMLX's auto-install is disabled, so an
// offline machine fails fast instead of hanging on the network.
func NewBackend(spec string) (compute.Backend, string, error) {
	xla.EnableAutoInstall(false)
	switch {
	case spec == "go":
		return goBackend("")
	case spec == "auto":
		p, reason := AutoChoice()
		if p == nil {
			return goBackend(reason)
		}
		b, desc, err := xlaBackend(p.Path)
		if err != nil {
			return goBackend(fmt.Sprintf("%s, but XLA failed to start: %v", reason, err))
		}
		return b, desc + "; chosen by auto: " + reason, nil
	case strings.HasPrefix(spec, "xla:"):
		plugin := strings.TrimPrefix(spec, "xla:")
		if plugin == "" {
			return nil, "", fmt.Errorf("models: backend %q names no PJRT plugin, expected e.g. \"xla:cuda\"", spec)
		}
		if strings.ContainsRune(plugin, '/') && !filepath.IsAbs(plugin) {
			return nil, "", fmt.Errorf("models: backend %q: a plugin path must be absolute", spec)
		}
		if plugin == "cuda" && !hasPlugin("cuda") {
			for _, p := range FindPlugins() {
				if p.IsCUDA() {
					return xlaBackend(p.Path)
				}
			}
		}
		return xlaBackend(plugin)
	}
	return nil, "", fmt.Errorf("models: unknown backend %q, expected \"auto\", \"go\", \"xla:cuda\" or \"xla:/abs/path/plugin.so\"", spec)
}

// goBackend starts the Go backend; fallbackReason, when not empty, explains
// why "auto" chose it.
func goBackend(fallbackReason string) (compute.Backend, string, error) {
	b, err := gobackend.New("")
	if err != nil {
		return nil, "", fmt.Errorf("models: starting the Go backend: %w", err)
	}
	scheduling := "unlimited workers"
	if !unlimitedWorkers(b) {
		// Without the fix, run one op at a time: slower, but it cannot deadlock.
		if b, err = gobackend.New("ops_sequential"); err != nil {
			return nil, "", fmt.Errorf("models: starting the Go backend: %w", err)
		}
		scheduling = "sequential ops"
	}
	simd := "generic matmul (build with GOEXPERIMENT=simd for the AVX2/AVX512 kernels)"
	if simdBuild {
		simd = "SIMD matmul"
	}
	desc := fmt.Sprintf("go: %s, %d threads, %s, %s", b.Description(), runtime.GOMAXPROCS(0), scheduling, simd)
	if fallbackReason != "" {
		desc += "; chosen by auto: " + fallbackReason
	}
	return b, desc, nil
}

// xlaBackend starts XLA with the named (or absolute-path) PJRT plugin.
func xlaBackend(plugin string) (compute.Backend, string, error) {
	if filepath.IsAbs(plugin) && strings.Contains(filepath.ToSlash(plugin), "/jax_plugins/") {
		useJAXCUDATools(plugin)
	}
	b, err := xla.New(plugin)
	if err != nil {
		return nil, "", fmt.Errorf("models: starting XLA with PJRT plugin %q: %w", plugin, err)
	}
	desc := b.Description()
	if b.NumDevices() > 0 {
		desc += ", device 0: " + b.DeviceDescription(0)
	}
	return b, desc, nil
}

// hasPlugin reports whether a PJRT plugin with that name (or a versioned
// "name_v..." one) is installed; it looks only at the local search paths.
func hasPlugin(name string) bool {
	for found := range pjrt.AvailablePlugins() {
		if found == name || strings.HasPrefix(found, name+"_v") {
			return true
		}
	}
	return false
}

// unlimitedWorkers lifts the Go backend's limit on worker goroutines and
// reports whether it could. With the default limit (2 x GOMAXPROCS), compute
// v0.1.2 deadlocks when several matrix products run concurrently: each holds
// a worker and waits in workerspool.Pool.Saturate for workers the others
// hold. Unlimited, Saturate always starts its own task. The backend's
// "parallelism=-1" option does the same but prints to stdout, hence the
// reflection on its exported Workers field.
func unlimitedWorkers(b compute.Backend) bool {
	v := reflect.ValueOf(b)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false
	}
	workers := v.Elem().FieldByName("Workers")
	if !workers.IsValid() || workers.Kind() != reflect.Pointer || workers.IsNil() {
		return false
	}
	set := workers.MethodByName("SetMaxParallelism")
	get := workers.MethodByName("MaxParallelism")
	if !set.IsValid() || !get.IsValid() {
		return false
	}
	set.Call([]reflect.Value{reflect.ValueOf(-1)})
	return get.Call(nil)[0].Int() == -1
}

// useJAXCUDATools points XLA at the CUDA tools a JAX installation ships
// beside its plugin (unless XLA_FLAGS already names a folder), and turns off
// go-xla's check for an nvidia/ folder next to the plugin, which JAX's layout
// does not have and whose warning would mislead.
func useJAXCUDATools(pluginPath string) {
	if os.Getenv("GOPJRT_CUDA_CHECKS") == "" {
		os.Setenv("GOPJRT_CUDA_CHECKS", "0")
	}
	dir := cudaDataDir(pluginPath)
	if flags := os.Getenv("XLA_FLAGS"); dir != "" && !strings.Contains(flags, "--xla_gpu_cuda_data_dir") {
		os.Setenv("XLA_FLAGS", strings.TrimSpace(flags+" --xla_gpu_cuda_data_dir="+dir))
	}
}
