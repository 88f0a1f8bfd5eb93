package models

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
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
//   - "auto": XLA CUDA when a CUDA PJRT plugin is installed and starts, else
//     the Go backend (the description says why).
//
// Plugins are never downloaded: GoMLX's auto-install is disabled, so an
// offline machine fails fast instead of hanging on the network.
func NewBackend(spec string) (compute.Backend, string, error) {
	xla.EnableAutoInstall(false)
	switch {
	case spec == "go":
		return goBackend("")
	case spec == "auto":
		if !hasPlugin("cuda") {
			return goBackend("no CUDA PJRT plugin found")
		}
		b, desc, err := xlaBackend("cuda")
		if err != nil {
			return goBackend(fmt.Sprintf("XLA CUDA failed to start: %v", err))
		}
		return b, desc, nil
	case strings.HasPrefix(spec, "xla:"):
		plugin := strings.TrimPrefix(spec, "xla:")
		if plugin == "" {
			return nil, "", fmt.Errorf("models: backend %q names no PJRT plugin, expected e.g. \"xla:cuda\"", spec)
		}
		if strings.ContainsRune(plugin, '/') && !filepath.IsAbs(plugin) {
			return nil, "", fmt.Errorf("models: backend %q: a plugin path must be absolute", spec)
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
	simd := "generic matmul (build with GOEXPERIMENT=simd for the AVX2/AVX512 kernels)"
	if simdBuild {
		simd = "SIMD matmul"
	}
	desc := fmt.Sprintf("go: %s, %d threads, %s", b.Description(), runtime.GOMAXPROCS(0), simd)
	if fallbackReason != "" {
		desc += "; chosen by auto: " + fallbackReason
	}
	return b, desc, nil
}

// xlaBackend starts XLA with the named (or absolute-path) PJRT plugin.
func xlaBackend(plugin string) (compute.Backend, string, error) {
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
	found := pjrt.AvailablePlugins()
	if _, ok := found[name]; ok {
		return true
	}
	names := make([]string, 0, len(found))
	for n := range found {
		names = append(names, n)
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, name+"_v") })
}
