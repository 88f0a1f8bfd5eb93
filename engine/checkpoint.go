package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"pivsr/models"
	"pivsr/piv"
)

// A checkpoint is a directory ckpt-<step> under NeuralConfig.CheckpointDir
// holding state/ (the network's parameters and Adam's state, a GoMLX
// checkpoint), best/ (the parameters of the best held-out error, when one was
// measured) and run.json (the step, the schedule's state and the run's
// identity). It is written under a temporary name and renamed, so a run
// killed while saving leaves the previous checkpoint intact.

const (
	checkpointPrefix = "ckpt-"
	runStateFile     = "run.json"
)

// runState is the training loop's state beyond the network's store: what a
// resumed run needs to continue as the uninterrupted one would.
type runState struct {
	Identity  map[string]any `json:"identity"`
	Step      int            `json:"step"`      // steps completed
	LRFactor  float64        `json:"lr_factor"` // peak learning rate multiplier, halved by each rollback
	Rollbacks int            `json:"rollbacks"`
	BestLoss  float64        `json:"best_loss"` // lowest total loss so far (0: none yet)
	HasBest   bool           `json:"has_best"`  // a held-out error was measured
	BestValue float64        `json:"best_validation"`
	BestStep  int            `json:"best_step"`
	Stopped   bool           `json:"stopped_early"` // training ended before Steps (early stop)
}

// runIdentity lists what fixes a run's result: a checkpoint resumes only a
// run with the same identity. The backend is left out (a run may move to
// another device), and so are the reporting and checkpoint settings. The
// base is named: a checkpointed correction belongs to the base it was
// trained on, which another version of pivsr may have changed.
func runIdentity(cfg Config, boundary string, input *piv.Field) map[string]any {
	n := cfg.Neural
	id := struct {
		Method, Boundary, Base         string
		Scale, NX, NY                  int
		Holdout                        float64
		Seed                           uint64
		Steps, WarmupSteps             int
		LearningRate, DivergenceWeight float64
		Filters, Hidden, Collocation   int
		StructureWeight                float64
		StructureLaw                   string
		StructureLags, StructurePatch  int
		ValidateEvery, Patience        int
		Input                          string
		StreamFunction                 bool
		SmoothnessWeight               float64
	}{cfg.Method, boundary, newNeural(cfg, boundary).base().Name(), cfg.Scale, cfg.NX, cfg.NY, cfg.Holdout, cfg.Seed,
		n.Steps, n.WarmupSteps, n.LearningRate, n.DivergenceWeight, n.Filters, n.Hidden, n.Collocation, n.StructureWeight, n.StructureLaw,
		n.StructureLags, n.StructurePatch, n.ValidateEvery, n.Patience, fieldDigest(input), n.StreamFunction, n.SmoothnessWeight}
	// Through JSON, so a fresh identity compares equal to one read back.
	b, _ := json.Marshal(id)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// fieldDigest is a hash of a field's grid, vectors and mask.
func fieldDigest(f *piv.Field) string {
	h := fnv.New64a()
	put := func(vs []float64) {
		for _, v := range vs {
			_ = binary.Write(h, binary.LittleEndian, math.Float64bits(v))
		}
	}
	put(f.X)
	put(f.Y)
	put(f.U)
	put(f.V)
	for k := range f.U {
		if f.Valid(k) {
			h.Write([]byte{1})
		} else {
			h.Write([]byte{0})
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// identityMismatch describes how two identities differ ("" when they agree).
func identityMismatch(saved, now map[string]any) string {
	keys := make([]string, 0, len(now))
	for k := range now {
		keys = append(keys, k)
	}
	for k := range saved {
		if _, ok := now[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	keys = slices.Compact(keys)
	var diffs []string
	for _, k := range keys {
		a, b := fmt.Sprint(saved[k]), fmt.Sprint(now[k])
		if a != b {
			if k == "Input" {
				diffs = append(diffs, "the input field differs")
				continue
			}
			diffs = append(diffs, fmt.Sprintf("%s %s (checkpoint) vs %s (now)", k, a, b))
		}
	}
	return strings.Join(diffs, ", ")
}

// checkpointDirs lists the checkpoints in dir, oldest first.
func checkpointDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint directory: %w", err)
	}
	var found []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), checkpointPrefix) {
			found = append(found, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(found) // zero-padded step numbers sort in step order
	return found, nil
}

// saveCheckpoint writes the state after st.Step steps and removes older
// checkpoints; it returns the checkpoint's directory.
func saveCheckpoint(dir string, net *models.Network, best *models.State, st runState) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint directory: %w", err)
	}
	name := fmt.Sprintf("%s%08d", checkpointPrefix, st.Step)
	tmp, err := os.MkdirTemp(dir, ".tmp-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; left only on failure
	state, err := net.State(true)
	if err != nil {
		return "", err
	}
	if err := state.Save(filepath.Join(tmp, "state")); err != nil {
		return "", err
	}
	if best != nil {
		if err := best.Save(filepath.Join(tmp, "best")); err != nil {
			return "", err
		}
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, runStateFile), b, 0o644); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	final := filepath.Join(dir, name)
	if err := os.RemoveAll(final); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	old, err := checkpointDirs(dir)
	if err != nil {
		return "", err
	}
	for _, o := range old {
		if o != final {
			_ = os.RemoveAll(o)
		}
	}
	return final, nil
}

// loadCheckpoint reads the latest checkpoint in dir into net and checks its
// identity against the run's.
func loadCheckpoint(dir string, net *models.Network, identity map[string]any) (st runState, best *models.State, err error) {
	found, err := checkpointDirs(dir)
	if err != nil {
		return st, nil, err
	}
	if len(found) == 0 {
		return st, nil, fmt.Errorf("resume: no checkpoint in %s", dir)
	}
	last := found[len(found)-1]
	b, err := os.ReadFile(filepath.Join(last, runStateFile))
	if err != nil {
		return st, nil, fmt.Errorf("resume: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, nil, fmt.Errorf("resume: %s: %w", filepath.Join(last, runStateFile), err)
	}
	if diff := identityMismatch(st.Identity, identity); diff != "" {
		return st, nil, fmt.Errorf("resume: the checkpoint %s belongs to another run: %s", last, diff)
	}
	state, err := models.LoadState(filepath.Join(last, "state"))
	if err != nil {
		return st, nil, fmt.Errorf("resume: %w", err)
	}
	if err := net.Restore(state); err != nil {
		return st, nil, fmt.Errorf("resume: %w", err)
	}
	if st.HasBest {
		if best, err = models.LoadState(filepath.Join(last, "best")); err != nil {
			return st, nil, fmt.Errorf("resume: %w", err)
		}
	}
	return st, best, nil
}

// checkRobustness validates the checkpoint, structure-prior and early-stopping settings.
func (n NeuralConfig) checkRobustness() error {
	switch {
	case n.CheckpointEvery < 0:
		return fmt.Errorf("checkpoint every %d steps: want 0 (only when interrupted) or more", n.CheckpointEvery)
	case (n.CheckpointEvery > 0 || n.Resume) && n.CheckpointDir == "":
		return fmt.Errorf("checkpoints and resuming need a checkpoint directory")
	case !(n.StructureWeight >= 0 && finite(n.StructureWeight)):
		return fmt.Errorf("structure-function weight (-sf-weight) %v: want 0 or more", n.StructureWeight)
	case n.StructureLaw != "" && !slices.Contains(StructureLaws, n.StructureLaw):
		return fmt.Errorf("structure-function law %q: want one of %s", n.StructureLaw, strings.Join(StructureLaws, ", "))
	case n.StructureWeight > 0 && (n.StructureLags < 1 || n.StructurePatch < 2):
		return fmt.Errorf("structure-function prior with %d lags on %d points: want at least 1 lag and 2 points", n.StructureLags, n.StructurePatch)
	case n.ValidateEvery < 0:
		return fmt.Errorf("validate every %d steps: want 1 or more (0: the default)", n.ValidateEvery)
	case n.Patience < 0:
		return fmt.Errorf("patience %d steps: want 0 (no early stop) or more", n.Patience)
	}
	return nil
}
