package engine

import (
	"fmt"

	"pivsr/models"
)

// session keeps alive, across the snapshots of a warm-started batch, what a
// neural fit builds before it trains and that does not depend on the
// snapshot: the backend, and a network with its compiled training step and
// predictor. Each fit still sets the network's parameters (the previous
// snapshot's, or a fresh initialisation) and starts Adam afresh, so a fit
// computes what it would with everything built anew; it only skips the
// building: starting the backend and compiling the graphs (seconds on XLA,
// tens of milliseconds on the Go backend).
//
// A fit reuses what the session holds only when its key matches: the same
// backend, network architecture, training settings and number of training
// vectors (the compiled step's shape). Another key replaces it, so a
// session holds one set of executables at a time and its memory stays
// bounded over a batch of any length. A session is not safe for concurrent
// use: a batch runs its snapshots one after the other.
type session struct {
	key  fitKey
	kept *fit
}

// fit is what a neural fit trains and evaluates with.
type fit struct {
	desc      string // the backend's description
	net       *models.Network
	trainer   *models.Trainer
	predictor *models.Predictor
}

// fitKey says when two fits can share a backend, a network and its compiled
// graphs.
type fitKey struct {
	backend string
	net     models.Config // with the settings only the initialisation reads cleared
	train   models.TrainConfig
	vectors int // training vectors per step
}

func newFitKey(backend string, mcfg models.Config, tcfg models.TrainConfig, vectors int) fitKey {
	mcfg.Seed, mcfg.ZeroOutput, mcfg.GaborAlpha, mcfg.GaborBeta = 0, false, 0, 0
	if !mcfg.StreamFunction { // a stream function's graphs scale psi by it
		mcfg.InputScale = 0
	}
	return fitKey{backend: backend, net: mcfg, train: tcfg, vectors: vectors}
}

// fit returns the network (its parameters from warm, or freshly initialised
// from mcfg when warm is nil), trainer and predictor of a fit of vectors
// training vectors. A nil session builds them anew; a session reuses those
// of its previous fit when the keys match, else builds them and keeps them
// for the next fit.
func (s *session) fit(backend string, mcfg models.Config, tcfg models.TrainConfig, vectors int, warm *models.State) (*fit, error) {
	key := newFitKey(backend, mcfg, tcfg, vectors)
	if s != nil && s.kept != nil && s.key == key {
		if err := s.kept.reset(mcfg, tcfg, warm); err != nil {
			s.kept = nil // in an unknown state: the next fit builds afresh
			return nil, err
		}
		return s.kept, nil
	}
	if s != nil {
		s.kept = nil // let the previous executables go before building new ones
	}
	f, err := newFit(backend, mcfg, tcfg, warm)
	if err != nil {
		return nil, err
	}
	if s != nil {
		s.key, s.kept = key, f
	}
	return f, nil
}

// newFit starts the backend and builds the network, trainer and predictor.
func newFit(backend string, mcfg models.Config, tcfg models.TrainConfig, warm *models.State) (*fit, error) {
	b, desc, err := models.NewBackend(backend)
	if err != nil {
		return nil, err
	}
	net, err := models.NewNetwork(mcfg)
	if err != nil {
		return nil, err
	}
	if warm != nil {
		if err := net.Restore(warm); err != nil {
			return nil, fmt.Errorf("mfn: warm start: %w", err)
		}
	}
	trainer, err := models.NewTrainer(b, net, tcfg)
	if err != nil {
		return nil, err
	}
	predictor, err := models.NewPredictor(b, net)
	if err != nil {
		return nil, err
	}
	return &fit{desc: desc, net: net, trainer: trainer, predictor: predictor}, nil
}

// reset prepares a kept fit for the next one: the parameters from warm (or
// a fresh initialisation from mcfg), Adam's state cleared, the learning rate
// and loss weights back to tcfg's.
func (f *fit) reset(mcfg models.Config, tcfg models.TrainConfig, warm *models.State) error {
	params := warm
	if params == nil {
		fresh, err := models.NewNetwork(mcfg)
		if err != nil {
			return err
		}
		if params, err = fresh.State(false); err != nil {
			return err
		}
	}
	if err := f.net.Restore(params); err != nil {
		if warm != nil {
			return fmt.Errorf("mfn: warm start: %w", err)
		}
		return err
	}
	t := f.trainer
	for _, err := range []error{t.ResetOptimizer(), t.SetDivergenceWeight(tcfg.DivergenceWeight),
		t.SetStructureWeight(tcfg.StructureWeight), t.SetSmoothnessWeight(tcfg.SmoothnessWeight)} {
		if err != nil {
			return err
		}
	}
	return nil
}
