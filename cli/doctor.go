package cli

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"pivsr/data"
	"pivsr/models"
)

func init() {
	register(command{name: "doctor", summary: "say what this machine offers pivsr: backends, PJRT plugins, GPU, HDF5, build", run: runDoctor})
}

// doctorReport is what `pivsr doctor` finds, also as JSON.
type doctorReport struct {
	Pivsr        string          `json:"pivsr"`
	Go           string          `json:"go"`
	Platform     string          `json:"platform"`
	GoExperiment string          `json:"goexperiment"`
	SIMD         bool            `json:"simd"`
	CPUs         int             `json:"cpus"`
	GOMAXPROCS   int             `json:"gomaxprocs"`
	HDF5         string          `json:"hdf5"`
	GPU          gpuReport       `json:"gpu"`
	Plugins      []models.Plugin `json:"plugins"`
	SearchDirs   searchReport    `json:"plugin_search"`
	Backends     []backendReport `json:"backends"`
	Auto         string          `json:"auto"`
}

type gpuReport struct {
	Present bool     `json:"present"`
	Reason  string   `json:"reason"`
	Devices []string `json:"devices,omitempty"` // nvidia-smi: name, memory, driver
}

type searchReport struct {
	Env          []string `json:"pjrt_plugin_library_path"`
	GoXLA        []string `json:"go_xla"`
	SitePackages []string `json:"site_packages"`
}

type backendReport struct {
	Spec        string `json:"spec"`
	Available   bool   `json:"available"`
	Why         string `json:"why"`
	Description string `json:"description,omitempty"` // from starting it (-probe, or the Go backend)
}

func runDoctor(e *env, args []string) error {
	fs := newFlags(e, "doctor", "", `
Say what this machine offers pivsr: the compute backends and why one is
unavailable, the PJRT plugins found (PJRT_PLUGIN_LIBRARY_PATH, go-xla's
install folders, JAX installations) and their versions, the GPU, the HDF5
library, the Go version, whether the binary was built with GOEXPERIMENT=simd,
and the CPU count. -probe starts XLA with each CUDA plugin to check that it
runs (seconds each); nothing is ever downloaded.`)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	probe := fs.Bool("probe", false, "start XLA with each CUDA plugin found")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	r := doctor(*probe)
	if *asJSON {
		return printJSON(e.stdout, r)
	}
	printDoctor(e, r)
	return nil
}

func doctor(probe bool) doctorReport {
	r := doctorReport{Pivsr: Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		SIMD: models.SIMDBuild(), CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOEXPERIMENT" {
				r.GoExperiment = s.Value
			}
		}
	}
	if v, err := data.HDF5Version(); err != nil {
		r.HDF5 = "unknown: " + err.Error()
	} else {
		r.HDF5 = v
	}
	r.GPU.Present, r.GPU.Reason = models.DetectGPU()
	r.GPU.Devices = nvidiaSMI()
	search := models.DefaultPluginSearch()
	r.SearchDirs = searchReport{Env: search.EnvDirs, GoXLA: search.GoXLADirs, SitePackages: search.SitePackages}
	r.Plugins = search.Find()
	if r.Plugins == nil {
		r.Plugins = []models.Plugin{} // [] rather than null in JSON
	}

	goDesc := ""
	if _, desc, err := models.NewBackend("go"); err != nil {
		r.Backends = append(r.Backends, backendReport{Spec: "go", Why: err.Error()})
	} else {
		goDesc = desc
		r.Backends = append(r.Backends, backendReport{Spec: "go", Available: true, Why: "built in", Description: goDesc})
	}
	cuda := 0
	for _, p := range r.Plugins {
		spec := "xla:" + p.Path
		br := backendReport{Spec: spec}
		switch {
		case !p.IsCUDA():
			br.Available, br.Why = true, p.Name+" plugin (not used by auto)"
		case !r.GPU.Present:
			br.Why = "CUDA plugin, but no GPU: " + r.GPU.Reason
		default:
			cuda++
			br.Available, br.Why = true, "CUDA plugin and a GPU"
		}
		if probe && p.IsCUDA() && r.GPU.Present {
			if _, desc, err := models.NewBackend(spec); err != nil {
				br.Available, br.Why = false, "XLA failed to start: "+err.Error()
			} else {
				br.Description = desc
			}
		}
		r.Backends = append(r.Backends, br)
	}
	if cuda == 0 {
		why := "no CUDA PJRT plugin found"
		if r.GPU.Present {
			why += " (a GPU is present: install JAX with CUDA, e.g. pip install 'jax[cuda13]', or set PJRT_PLUGIN_LIBRARY_PATH)"
		} else {
			why += " and no GPU (" + r.GPU.Reason + ")"
		}
		r.Backends = append(r.Backends, backendReport{Spec: "xla:cuda", Why: why})
	}
	if p, reason := models.ChooseAuto(r.GPU.Present, r.GPU.Reason, r.Plugins); p != nil {
		r.Auto = "xla:" + p.Path + " (" + reason + ")"
	} else {
		r.Auto = "go (" + reason + ")"
	}
	return r
}

// nvidiaSMI lists the GPUs nvidia-smi reports (name, memory, driver), none
// when it is missing or fails.
func nvidiaSMI() []string {
	smi, err := exec.LookPath("nvidia-smi")
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, smi, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader").Output()
	if err != nil {
		return nil
	}
	var devices []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			devices = append(devices, l)
		}
	}
	return devices
}

func printDoctor(e *env, r doctorReport) {
	w := e.stdout
	simd := "no (build with GOEXPERIMENT=simd for the fast Go kernels)"
	if r.SIMD {
		simd = "yes"
	}
	fmt.Fprintf(w, "pivsr        %s (%s, %s)\n", r.Pivsr, r.Go, r.Platform)
	fmt.Fprintf(w, "simd build   %s; GOEXPERIMENT=%q\n", simd, r.GoExperiment)
	fmt.Fprintf(w, "CPUs         %d (GOMAXPROCS %d)\n", r.CPUs, r.GOMAXPROCS)
	fmt.Fprintf(w, "HDF5         %s\n", r.HDF5)
	gpu := "none: " + r.GPU.Reason
	if r.GPU.Present {
		gpu = "present: " + r.GPU.Reason
	}
	fmt.Fprintf(w, "GPU          %s\n", gpu)
	for _, d := range r.GPU.Devices {
		fmt.Fprintf(w, "             %s\n", d)
	}
	fmt.Fprintf(w, "PJRT plugins %d found\n", len(r.Plugins))
	for _, p := range r.Plugins {
		v := p.Version
		if v == "" {
			v = "version unknown"
		}
		if p.Package != "" {
			v = p.Package + " " + v
		}
		fmt.Fprintf(w, "  %-8s %s (%s; %s)\n", p.Name, p.Path, v, p.Source)
	}
	fmt.Fprintf(w, "searched     PJRT_PLUGIN_LIBRARY_PATH %s\n", listOrNone(r.SearchDirs.Env))
	fmt.Fprintf(w, "             go-xla %s\n", listOrNone(r.SearchDirs.GoXLA))
	fmt.Fprintf(w, "             site-packages %s\n", listOrNone(r.SearchDirs.SitePackages))
	fmt.Fprintf(w, "backends\n")
	for _, b := range r.Backends {
		state := "unavailable"
		if b.Available {
			state = "available"
		}
		fmt.Fprintf(w, "  %s: %s, %s\n", b.Spec, state, b.Why)
		if b.Description != "" {
			fmt.Fprintf(w, "    %s\n", b.Description)
		}
	}
	fmt.Fprintf(w, "auto         %s\n", r.Auto)
}

func listOrNone(dirs []string) string {
	if len(dirs) == 0 {
		return "(none)"
	}
	return strings.Join(dirs, ", ")
}
