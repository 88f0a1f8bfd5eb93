package tui

import (
	"fmt"
	"slices"
	"strconv"

	"pivsr/engine"
)

// setting is one line of the training form: a value picked from a list of
// choices with left and right.
type setting struct {
	label  string
	neural bool // only the neural method uses it
	// moot, when set, tells whether the configuration the form describes
	// ignores the setting (it is then dimmed), e.g. the divergence weight of
	// a stream function, divergence-free by construction.
	moot    func(c engine.Config) bool
	choices []string
	at      int
	apply   func(c *engine.Config, k int)
}

func (s *setting) value() string { return s.choices[s.at] }

// step moves to the previous (d = -1) or next (d = 1) choice, stopping at
// the ends; it reports whether the value changed.
func (s *setting) step(d int) bool {
	at := max(0, min(len(s.choices)-1, s.at+d))
	changed := at != s.at
	s.at = at
	return changed
}

// choiceSetting picks among names; cur is added when it is not one of them.
func choiceSetting(label string, neural bool, names []string, cur string, set func(*engine.Config, string)) *setting {
	names = slices.Clone(names)
	at := slices.Index(names, cur)
	if at < 0 {
		names, at = append(names, cur), len(names)
	}
	return &setting{label: label, neural: neural, choices: names, at: at,
		apply: func(c *engine.Config, k int) { set(c, names[k]) }}
}

// toggleSetting switches an option off and on.
func toggleSetting(label string, neural bool, cur bool, set func(*engine.Config, bool)) *setting {
	return choiceSetting(label, neural, []string{"off", "on"}, toggleName(cur), func(c *engine.Config, v string) { set(c, v == "on") })
}

func toggleName(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// numberSetting picks along an increasing ladder of values; cur is put in
// its place when it is not on it.
func numberSetting(label string, neural bool, ladder []float64, cur float64, format func(float64) string, set func(*engine.Config, float64)) *setting {
	ladder = slices.Clone(ladder)
	at, found := slices.BinarySearch(ladder, cur)
	if !found {
		ladder = slices.Insert(ladder, at, cur)
	}
	names := make([]string, len(ladder))
	for k, v := range ladder {
		names[k] = format(v)
	}
	return &setting{label: label, neural: neural, choices: names, at: at,
		apply: func(c *engine.Config, k int) { set(c, ladder[k]) }}
}

func formatInt(v float64) string { return strconv.Itoa(int(v)) }

func formatRate(v float64) string {
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func formatScale(v float64) string {
	if v <= 1 {
		return "input grid"
	}
	return fmt.Sprintf("refine x%d", int(v))
}

// divergenceSetting is the divergence weight, moot for a stream function
// (whose velocity is divergence-free by construction: the engine skips the
// penalty).
func divergenceSetting(cur float64) *setting {
	s := numberSetting("divergence weight", true, []float64{0, 1e-4, 1e-3, 1e-2, 1e-1, 1}, cur, formatRate,
		func(c *engine.Config, v float64) { c.Neural.DivergenceWeight = v })
	s.moot = func(c engine.Config) bool { return c.Neural.StreamFunction }
	return s
}

// trainingForm is the settings of the next run, starting from a
// configuration; settings the form does not show keep their values.
type trainingForm struct {
	base     engine.Config
	settings []*setting
	at       int
}

func newTrainingForm(c engine.Config) *trainingForm {
	scale := float64(max(1, c.Scale))
	f := &trainingForm{base: c, settings: []*setting{
		choiceSetting("method", false, engine.Methods, c.Method, func(c *engine.Config, v string) { c.Method = v }),
		numberSetting("grid", false, []float64{1, 2, 3, 4}, scale, formatScale, func(c *engine.Config, v float64) {
			c.Scale, c.NX, c.NY = int(v), 0, 0
			if v <= 1 {
				c.Scale = 0
			}
		}),
		choiceSetting("boundary", false, []string{"auto", "periodic", "open"}, c.Boundary, func(c *engine.Config, v string) { c.Boundary = v }),
		numberSetting("steps", true, []float64{10, 20, 50, 100, 200, 300, 600, 1000, 2000, 5000, 10000}, float64(c.Neural.Steps), formatInt,
			func(c *engine.Config, v float64) { c.Neural.Steps = int(v) }),
		numberSetting("learning rate", true, []float64{1e-4, 3e-4, 1e-3, 3e-3, 1e-2}, c.Neural.LearningRate, formatRate,
			func(c *engine.Config, v float64) { c.Neural.LearningRate = v }),
		divergenceSetting(c.Neural.DivergenceWeight),
		toggleSetting("stream function", true, c.Neural.StreamFunction, func(c *engine.Config, v bool) { c.Neural.StreamFunction = v }),
		// Useful weights are 1e-9..1e-8 on Turb2D (engine.NeuralConfig).
		numberSetting("smoothness weight", true, []float64{0, 1e-9, 1e-8, 1e-7}, c.Neural.SmoothnessWeight, formatRate,
			func(c *engine.Config, v float64) { c.Neural.SmoothnessWeight = v }),
		numberSetting("hidden width", true, []float64{8, 16, 32, 64, 128, 256}, float64(c.Neural.Hidden), formatInt,
			func(c *engine.Config, v float64) { c.Neural.Hidden = int(v) }),
		choiceSetting("backend", true, []string{"auto", "go", "xla:cuda"}, c.Neural.Backend, func(c *engine.Config, v string) { c.Neural.Backend = v }),
	}}
	if c.Scale == 0 && c.NX > 0 {
		// An explicit target grid stays until the grid line is changed.
		g := f.settings[1]
		g.choices = append(g.choices, fmt.Sprintf("%dx%d", c.NX, c.NY))
		at := len(g.choices) - 1
		g.at = at
		prev := g.apply
		g.apply = func(cfg *engine.Config, k int) {
			if k != at {
				prev(cfg, k)
			}
		}
	}
	return f
}

// config is the configuration the form describes.
func (f *trainingForm) config() engine.Config {
	c := f.base
	for _, s := range f.settings {
		s.apply(&c, s.at)
	}
	// A warm-up as long as the run would leave it at a low learning rate.
	c.Neural.WarmupSteps = min(c.Neural.WarmupSteps, c.Neural.Steps/4)
	return c
}

// move selects the previous or next line.
func (f *trainingForm) move(d int) { f.at = max(0, min(len(f.settings)-1, f.at+d)) }

// neural reports whether the method chosen is the neural field.
func (f *trainingForm) neural() bool { return f.settings[0].value() == "mfn" }
