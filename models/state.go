package models

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// State is a copy, in host memory, of variables of a network's store: its
// parameters and, when asked, the optimizer's state (Adam's moments, step
// counters, learning rate). It serves to roll training back, to keep the best
// parameters seen, and (with [State.Save] and [LoadState]) as a checkpoint on
// disk in GoMLX's checkpoint format.
type State struct {
	paths  []string
	values []*tensors.Tensor
}

// State copies the network's parameters and, with optimizer true, every
// other variable of its store (the optimizer's state, once a [Trainer] has
// stepped).
func (n *Network) State(optimizer bool) (*State, error) {
	vars := n.variables()
	if optimizer {
		vars = vars[:0:0]
		for v := range n.store.IterVariables() {
			vars = append(vars, v)
		}
	}
	s := &State{}
	for _, v := range vars {
		if !v.HasValue() {
			continue // created by a graph not yet executed: nothing to keep
		}
		t, err := v.MustValue().LocalClone()
		if err != nil {
			return nil, fmt.Errorf("models: copying variable %s: %w", v.Path(), err)
		}
		s.paths, s.values = append(s.paths, v.Path()), append(s.values, t)
	}
	return s, nil
}

// Restore sets the network's store to the state: every variable it holds
// takes the saved value (a variable the store lacks, such as the optimizer's
// before the first step, is created). Variables the state does not hold keep
// their values. The state stays usable: it can be restored again.
func (n *Network) Restore(s *State) error {
	params := make(map[string]bool)
	for _, v := range n.variables() {
		params[v.Path()] = true
	}
	for i, path := range s.paths {
		t, err := s.values[i].LocalClone()
		if err != nil {
			return fmt.Errorf("models: copying saved variable %s: %w", path, err)
		}
		v := n.store.GetVariable(path)
		if v == nil {
			if v, err = n.store.CreateVariable(path, t); err != nil {
				return fmt.Errorf("models: restoring variable %s: %w", path, err)
			}
			v.SetTrainable(params[path])
			continue
		}
		if !v.Shape().Equal(t.Shape()) {
			return fmt.Errorf("models: saved variable %s has shape %s, the network's has %s (another network configuration?)",
				path, t.Shape(), v.Shape())
		}
		if err := v.SetValue(t); err != nil {
			return fmt.Errorf("models: restoring variable %s: %w", path, err)
		}
	}
	for _, v := range n.variables() {
		if !s.has(v.Path()) {
			return fmt.Errorf("models: the saved state lacks the network's variable %s (another network configuration?)", v.Path())
		}
	}
	return nil
}

func (s *State) has(path string) bool {
	for _, p := range s.paths {
		if p == path {
			return true
		}
	}
	return false
}

// Len returns the number of variables held.
func (s *State) Len() int { return len(s.paths) }

// Save writes the state as a GoMLX checkpoint into dir, which must not exist
// yet or be empty (write to a fresh directory and rename it for an atomic
// update).
func (s *State) Save(dir string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("models: saving a state into %s: the directory is not empty", dir)
	}
	store := model.NewStore()
	h, err := checkpoint.Build(store).Dir(dir).Keep(1).Done()
	if err != nil {
		return fmt.Errorf("models: saving a state into %s: %w", dir, err)
	}
	for i, path := range s.paths {
		t, err := s.values[i].LocalClone()
		if err != nil {
			return fmt.Errorf("models: copying variable %s: %w", path, err)
		}
		if _, err := store.CreateVariable(path, t); err != nil {
			return fmt.Errorf("models: saving variable %s: %w", path, err)
		}
	}
	// Saving adds a global step counter to the store when it has none: the
	// list of saved paths lets LoadState return exactly the state saved.
	store.SetParam(statePathsParam, strings.Join(s.paths, "\n"))
	if err := h.Save(); err != nil {
		return fmt.Errorf("models: saving a state into %s: %w", dir, err)
	}
	return nil
}

// LoadState reads a state [State.Save] wrote into dir.
func LoadState(dir string) (*State, error) {
	store := model.NewStore()
	if _, err := checkpoint.Load(store).Dir(dir).Immediate().Done(); err != nil {
		return nil, fmt.Errorf("models: loading a state from %s: %w", dir, err)
	}
	listed, ok := store.GetParam(statePathsParam)
	paths, _ := listed.(string)
	if !ok || paths == "" {
		return nil, fmt.Errorf("models: the checkpoint in %s was not written by State.Save (no list of variables)", dir)
	}
	s := &State{}
	for _, path := range strings.Split(paths, "\n") {
		v := store.GetVariable(path)
		if v == nil {
			return nil, fmt.Errorf("models: the checkpoint in %s lacks variable %s", dir, path)
		}
		t, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("models: loading variable %s from %s: %w", v.Path(), dir, err)
		}
		s.paths, s.values = append(s.paths, v.Path()), append(s.values, t)
	}
	return s, nil
}

// statePathsParam is the checkpoint parameter listing a saved state's variables.
const statePathsParam = "/models/state_paths"
