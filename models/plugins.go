package models

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Plugin is a PJRT plugin (the shared library XLA runs a device through)
// found on this machine. Discovery only looks at files: nothing is loaded.
type Plugin struct {
	Path    string `json:"path"`              // absolute path of the shared library
	Name    string `json:"name"`              // "cuda", "cpu", ... (without version)
	Source  string `json:"source"`            // PluginSourceEnv, PluginSourceGoXLA or PluginSourceJAX
	Version string `json:"version,omitempty"` // from the file name or the JAX package; "" when unknown
	// Package is the Python distribution a JAX plugin comes from, e.g.
	// "jax-cuda13-pjrt"; "" for the others.
	Package string `json:"package,omitempty"`
}

// IsCUDA reports whether the plugin drives NVIDIA GPUs.
func (p Plugin) IsCUDA() bool { return strings.HasPrefix(p.Name, "cuda") }

// Where plugins come from, in the order NewBackend("auto") prefers them.
const (
	PluginSourceEnv   = "PJRT_PLUGIN_LIBRARY_PATH"
	PluginSourceGoXLA = "go-xla install"
	PluginSourceJAX   = "JAX installation"
)

// PluginSearch lists the folders plugins are looked for in.
// DefaultPluginSearch fills it for this machine; tests build their own.
type PluginSearch struct {
	// EnvDirs are the folders of PJRT_PLUGIN_LIBRARY_PATH.
	EnvDirs []string
	// GoXLADirs are where GoMLX's go-xla installs plugins
	// (~/.local/lib/go-xla and /usr/local/lib/go-xla, each with an nvidia/
	// subfolder holding the CUDA plugin and its libraries).
	GoXLADirs []string
	// SitePackages are Python site-packages folders, searched for JAX's
	// jax_plugins/xla_cuda*/xla_cuda_plugin.so.
	SitePackages []string
}

// DefaultPluginSearch returns this machine's search folders: those of
// PJRT_PLUGIN_LIBRARY_PATH, go-xla's install folders (where its
// auto-install puts plugins; pivsr never triggers it), and the Python
// site-packages folders that python3 reports (when it runs within two
// seconds) plus the usual system, user, virtual-environment and container
// ones.
func DefaultPluginSearch() PluginSearch {
	var s PluginSearch
	for _, d := range filepath.SplitList(os.Getenv("PJRT_PLUGIN_LIBRARY_PATH")) {
		if d != "" {
			s.EnvDirs = append(s.EnvDirs, d)
		}
	}
	home, _ := os.UserHomeDir()
	var prefixes []string
	if home != "" {
		prefixes = append(prefixes, filepath.Join(home, ".local", "lib"))
	}
	prefixes = append(prefixes, "/usr/local/lib")
	for _, p := range prefixes {
		s.GoXLADirs = append(s.GoXLADirs, filepath.Join(p, "go-xla"), filepath.Join(p, "go-xla", "nvidia"), filepath.Join(p, "gomlx", "pjrt"))
	}
	s.SitePackages = pythonSitePackages()
	patterns := []string{"/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages",
		"/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
		// Container images' environments (conda, a venv under /opt).
		"/opt/conda/lib/python3*/site-packages", "/opt/*/.venv/lib/python3*/site-packages", "/opt/*/venv/lib/python3*/site-packages"}
	for _, env := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if v := os.Getenv(env); v != "" {
			patterns = append(patterns, filepath.Join(v, "lib", "python3*", "site-packages"))
		}
	}
	if home != "" {
		patterns = append(patterns, filepath.Join(home, ".local", "lib", "python3*", "site-packages"))
	}
	for _, p := range patterns {
		m, _ := filepath.Glob(p)
		s.SitePackages = append(s.SitePackages, m...)
	}
	s.SitePackages = slices.DeleteFunc(uniqueDirs(s.SitePackages), func(d string) bool {
		st, err := os.Stat(d)
		return err != nil || !st.IsDir()
	})
	return s
}

// pythonSitePackages asks python3 (when on the PATH) for its site-packages
// folders, the user's one included.
func pythonSitePackages() []string {
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c",
		"import site\nfor p in site.getsitepackages() + [site.getusersitepackages()]: print(p)").Output()
	if err != nil {
		return nil
	}
	return parseLines(string(out))
}

func parseLines(s string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// uniqueDirs keeps the first of each folder (by cleaned path), in order.
func uniqueDirs(dirs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		c := filepath.Clean(d)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// pluginFile matches go-xla's plugin file names; the name may carry a
// version ("cpu_v0.83.1").
var (
	pluginFile    = regexp.MustCompile(`^(?:pjrt_c_api_(.+)_plugin|pjrt[-_]plugin[-_](.+))\.so$`)
	pluginVersion = regexp.MustCompile(`^(.+?)_(v\d[\w.]*)$`)
	distInfo      = regexp.MustCompile(`^(jax[_-]cuda\d+[_-]pjrt)-([^-]+)\.dist-info$`)
)

// Find lists the plugins in the search folders, in preference order:
// PJRT_PLUGIN_LIBRARY_PATH, then go-xla's folders, then JAX installations;
// a file reached twice is listed once.
func (s PluginSearch) Find() []Plugin {
	var found []Plugin
	seen := map[string]bool{}
	add := func(p Plugin) {
		abs, err := filepath.Abs(p.Path)
		if err != nil {
			return
		}
		key := abs
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			key = real
		}
		if seen[key] {
			return
		}
		seen[key] = true
		p.Path = abs
		found = append(found, p)
	}
	for _, group := range []struct {
		source string
		dirs   []string
	}{{PluginSourceEnv, s.EnvDirs}, {PluginSourceGoXLA, s.GoXLADirs}} {
		for _, dir := range group.dirs {
			for _, p := range goXLAPlugins(dir) {
				p.Source = group.source
				add(p)
			}
		}
	}
	for _, sp := range s.SitePackages {
		for _, p := range jaxPlugins(sp) {
			add(p)
		}
	}
	return found
}

// goXLAPlugins lists the plugins named as go-xla names them in dir.
func goXLAPlugins(dir string) []Plugin {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []Plugin
	for _, e := range entries {
		m := pluginFile.FindStringSubmatch(e.Name())
		if m == nil || !isRegularFile(filepath.Join(dir, e.Name())) {
			continue
		}
		name := m[1] + m[2]
		p := Plugin{Path: filepath.Join(dir, e.Name()), Name: name}
		if v := pluginVersion.FindStringSubmatch(name); v != nil {
			p.Name, p.Version = v[1], v[2]
		}
		out = append(out, p)
	}
	return out
}

// jaxPlugins lists JAX's CUDA plugins in a site-packages folder, newest CUDA
// first, with the version of the jax-cudaNN-pjrt package that installed them.
func jaxPlugins(sitePackages string) []Plugin {
	dirs, _ := filepath.Glob(filepath.Join(sitePackages, "jax_plugins", "xla_cuda*"))
	slices.SortFunc(dirs, func(a, b string) int { return strings.Compare(b, a) })
	versions := map[string]string{} // "cuda13" -> "0.11.2"
	infos, _ := filepath.Glob(filepath.Join(sitePackages, "jax*cuda*pjrt-*.dist-info"))
	for _, info := range infos {
		if m := distInfo.FindStringSubmatch(filepath.Base(info)); m != nil {
			cuda := strings.TrimSuffix(strings.TrimPrefix(strings.ReplaceAll(m[1], "-", "_"), "jax_"), "_pjrt")
			versions[cuda] = m[2]
		}
	}
	var out []Plugin
	for _, d := range dirs {
		so := filepath.Join(d, "xla_cuda_plugin.so")
		if !isRegularFile(so) {
			continue
		}
		cuda := strings.TrimPrefix(filepath.Base(d), "xla_") // "cuda13"
		p := Plugin{Path: so, Name: cuda, Source: PluginSourceJAX, Version: versions[cuda]}
		if p.Version != "" {
			p.Package = "jax-" + cuda + "-pjrt"
		}
		out = append(out, p)
	}
	return out
}

func isRegularFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// FindPlugins lists the PJRT plugins on this machine (DefaultPluginSearch).
func FindPlugins() []Plugin { return DefaultPluginSearch().Find() }

// DetectGPU reports whether an NVIDIA GPU seems present, and why it thinks
// so: the device file /dev/nvidia0, or nvidia-smi listing a GPU.
func DetectGPU() (bool, string) {
	if _, err := os.Stat("/dev/nvidia0"); err == nil {
		return true, "/dev/nvidia0 exists"
	}
	smi, err := exec.LookPath("nvidia-smi")
	if err != nil {
		return false, "no /dev/nvidia0 and no nvidia-smi"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, smi, "-L").Output()
	if err != nil || !strings.Contains(string(out), "GPU") {
		return false, "no /dev/nvidia0, and nvidia-smi -L lists no GPU"
	}
	return true, "nvidia-smi -L lists a GPU"
}

// AutoChoice says what NewBackend("auto") would run on, without starting
// it: a CUDA plugin (nil: the Go backend), and why.
func AutoChoice() (*Plugin, string) {
	gpu, why := DetectGPU()
	return ChooseAuto(gpu, why, FindPlugins())
}

// SIMDBuild reports whether this binary was built with GOEXPERIMENT=simd,
// which the Go backend's fast kernels need.
func SIMDBuild() bool { return simdBuild }

// ChooseAuto picks the plugin "auto" runs on among plugins (in preference
// order): the first CUDA one, when a GPU seems present (gpuReason says why
// it seems so or not). Nil means the Go backend; the reason says why either
// way.
func ChooseAuto(gpu bool, gpuReason string, plugins []Plugin) (*Plugin, string) {
	var cuda *Plugin
	for i := range plugins {
		if plugins[i].IsCUDA() {
			cuda = &plugins[i]
			break
		}
	}
	switch {
	case !gpu && cuda == nil:
		return nil, "no GPU (" + gpuReason + ") and no CUDA PJRT plugin found"
	case !gpu:
		return nil, "CUDA PJRT plugin " + cuda.Path + " found, but no GPU (" + gpuReason + ")"
	case cuda == nil:
		return nil, "GPU present (" + gpuReason + "), but no CUDA PJRT plugin found (pivsr doctor lists where it looked)"
	}
	return cuda, "GPU present (" + gpuReason + "), CUDA PJRT plugin from the " + cuda.Source + " at " + cuda.Path
}

// cudaDataDir returns the folder of CUDA's compiler tools (libdevice, ptxas)
// that a JAX installation's plugin at pluginPath ships beside it, "" when
// none: XLA compiles GPU kernels with them and, outside Python, does not
// know where JAX's pip packages put them.
func cudaDataDir(pluginPath string) string {
	sitePackages := filepath.Dir(filepath.Dir(filepath.Dir(pluginPath))) // .../jax_plugins/xla_cudaNN/x.so
	for _, sub := range []string{"cu13", "cu12", "cuda_nvcc"} {
		d := filepath.Join(sitePackages, "nvidia", sub)
		if st, err := os.Stat(filepath.Join(d, "nvvm", "libdevice")); err == nil && st.IsDir() {
			return d
		}
	}
	return ""
}
