package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"pivsr/models"
	"pivsr/piv"
)

const (
	// divergenceFactor: a total loss above this multiple of the lowest one
	// seen counts as diverging.
	divergenceFactor = 1e3
	// divergenceFloor is the least lowest loss divergence is measured
	// against: a base the data fit exactly has a loss near 0, which noise
	// alone would exceed a thousandfold (velocities are normalised to 1).
	divergenceFloor = 1e-4
	// maxRollbacks is how many rollbacks a run takes before giving up.
	maxRollbacks = 4
	// goodStateEvery is the number of steps between the in-memory states a
	// rollback returns to.
	goodStateEvery = 25
	// defaultValidateEvery applies when NeuralConfig.ValidateEvery is 0.
	defaultValidateEvery = 50
)

// training is one neural fit: the loop with its checkpoints, rollbacks and
// early stopping.
//
// Every step's random draws (collocation points, structure-function patch)
// come from a generator seeded by (seed, step), so a run resumed from a
// checkpoint draws what the uninterrupted run drew. The held-out error is
// measured every ValidateEvery steps; the best parameters are kept, and the
// field is evaluated with them.
type training struct {
	n         *neural
	j         *job
	nc        NeuralConfig
	norm      normalizer
	base      *piv.Field
	baseDiv   []float64
	train     pointSet
	val       pointSet
	net       *models.Network
	trainer   *models.Trainer
	predictor *models.Predictor
	batch     *models.Batch
	prior     *structurePrior // nil without the structure-function term

	// baseVortGrad is the base's vorticity gradient on the target grid as
	// the smoothness term's forward differences (nil without the term).
	baseVortGrad [2][]float64

	st   runState
	best *models.State // parameters of the best held-out error (nil: none measured)
	// good is a state whose loss was checked (with goodRun, the loop's state
	// then); candidate waits for the next step's loss to become good.
	good, candidate       *models.State
	goodRun, candidateRun runState
}

// run trains from the current state (fresh or resumed) to the configured
// number of steps or an early stop, then restores the best parameters.
func (t *training) run(ctx context.Context) error {
	nc := t.nc
	validateEvery := nc.ValidateEvery
	if validateEvery == 0 {
		validateEvery = defaultValidateEvery
	}
	start, startStep := time.Now(), t.st.Step
	for t.st.Step < nc.Steps && !t.st.Stopped {
		if err := ctx.Err(); err != nil {
			return t.interrupted(err)
		}
		step := t.st.Step + 1
		if (step-1)%goodStateEvery == 0 || t.good == nil && t.candidate == nil {
			s, err := t.net.State(true)
			if err != nil {
				return err
			}
			t.candidate, t.candidateRun = s, t.st
		}
		t.draw(step)
		lr := schedule(step, nc) * t.st.LRFactor
		if err := t.trainer.SetLearningRate(lr); err != nil {
			return err
		}
		loss, err := t.trainer.Step(t.batch)
		if err != nil {
			return err
		}
		if reason := t.bad(loss); reason != "" {
			if err := t.rollback(step, reason); err != nil {
				return err
			}
			continue
		}
		if t.candidate != nil {
			t.good, t.goodRun, t.candidate = t.candidate, t.candidateRun, nil
		}
		t.st.Step = step
		if t.st.BestLoss == 0 || loss.Total < t.st.BestLoss {
			t.st.BestLoss = loss.Total
		}
		stop := false
		validation := math.NaN()
		if len(t.val.X) > 0 && (step%validateEvery == 0 || step == nc.Steps) {
			if validation, err = t.n.validationOf(t.predictor, t.val, t.norm); err != nil {
				return err
			}
			if stop, err = t.keepBest(step, validation); err != nil {
				return err
			}
		}
		if step%10 == 0 || step == nc.Steps || !math.IsNaN(validation) || stop {
			elapsed := time.Since(start).Seconds()
			rate := float64(step-startStep) / elapsed
			t.j.emit(Progress{Step: step, Steps: nc.Steps, LearningRate: lr, StepsPerSec: rate,
				ETA: time.Duration(float64(nc.Steps-step) / rate * float64(time.Second)), Validation: validation,
				Terms: t.terms(loss)})
		}
		if stop {
			t.st.Stopped = true
			t.j.emit(EarlyStopped{Step: step, BestStep: t.st.BestStep, BestValidation: t.st.BestValue})
			break
		}
		if nc.SnapshotEvery > 0 && step%nc.SnapshotEvery == 0 && step < nc.Steps {
			f, err := t.n.field(t.predictor, t.base, t.j.target, t.norm)
			if err != nil {
				return err
			}
			t.j.emit(Snapshot{Step: step, Field: f})
		}
		if nc.CheckpointDir != "" && nc.CheckpointEvery > 0 && step%nc.CheckpointEvery == 0 && step < nc.Steps {
			if err := t.checkpoint(); err != nil {
				return err
			}
		}
	}
	if nc.CheckpointDir != "" {
		if err := t.checkpoint(); err != nil {
			return err
		}
	}
	if t.best != nil {
		return t.net.Restore(t.best)
	}
	return nil
}

// terms lists the step's loss terms with their weights. A stream
// function's divergence is identically zero and outside the loss: it is
// reported as 0 with weight 0.
func (t *training) terms(l models.Losses) []Term {
	divWeight := t.nc.DivergenceWeight
	if t.nc.StreamFunction {
		divWeight = 0
	}
	terms := []Term{{"data", l.Data, 1}, {"divergence", l.Divergence, divWeight}}
	if t.prior != nil {
		terms = append(terms, Term{"structure", l.Structure, t.nc.StructureWeight})
	}
	if t.nc.SmoothnessWeight > 0 {
		terms = append(terms, Term{"smoothness", l.Smoothness, t.nc.SmoothnessWeight})
	}
	return append(terms, Term{"total", l.Total, 1})
}

// draw fills the batch's random parts for a step.
func (t *training) draw(step int) {
	rng := rand.New(rand.NewPCG(t.n.cfg.Seed+1, uint64(step)))
	target := t.j.target
	b := t.batch
	for c := range b.CX {
		k := rng.IntN(target.Len())
		b.CX[c], b.CY[c] = t.norm.x(target.X[k%target.NX()]), t.norm.y(target.Y[k/target.NX()])
		if t.baseDiv != nil {
			b.BaseDivergence[c] = t.baseDiv[k]
		}
		if b.BaseVorticityGradX != nil {
			b.BaseVorticityGradX[c], b.BaseVorticityGradY[c] = t.baseVortGrad[0][k], t.baseVortGrad[1][k]
		}
	}
	if t.prior != nil {
		t.prior.draw(rng, b)
	}
}

// bad says why a step's loss is unusable ("" when it is fine).
func (t *training) bad(l models.Losses) string {
	switch {
	case math.IsNaN(l.Total) || math.IsInf(l.Total, 0):
		return fmt.Sprintf("loss %v", l.Total)
	case t.st.BestLoss > 0 && l.Total > divergenceFactor*max(t.st.BestLoss, divergenceFloor):
		return fmt.Sprintf("loss %.3g diverged (over %g times the lowest, %.3g)", l.Total, divergenceFactor, t.st.BestLoss)
	}
	return ""
}

// rollback returns to the last good state with the learning rate halved.
func (t *training) rollback(step int, reason string) error {
	if t.good == nil {
		return fmt.Errorf("mfn: %s at step %d, before any good state to return to", reason, step)
	}
	if t.st.Rollbacks >= maxRollbacks {
		return fmt.Errorf("mfn: %s at step %d after %d rollbacks with the learning rate halved each time (peak now %.3g): lower -lr",
			reason, step, t.st.Rollbacks, t.nc.LearningRate*t.st.LRFactor)
	}
	if err := t.net.Restore(t.good); err != nil {
		return err
	}
	rollbacks, factor := t.st.Rollbacks+1, t.st.LRFactor/2
	hasBest, bestValue, bestStep := t.st.HasBest, t.st.BestValue, t.st.BestStep
	t.st = t.goodRun
	t.st.Rollbacks, t.st.LRFactor = rollbacks, factor
	t.st.HasBest, t.st.BestValue, t.st.BestStep = hasBest, bestValue, bestStep
	t.candidate = nil
	t.j.emit(Rollback{Step: step, ResumeStep: t.st.Step, LearningRate: t.nc.LearningRate * factor, Reason: reason})
	return nil
}

// keepBest records a held-out error and reports whether to stop early.
func (t *training) keepBest(step int, validation float64) (bool, error) {
	if !t.st.HasBest || validation < t.st.BestValue {
		best, err := t.net.State(false)
		if err != nil {
			return false, err
		}
		t.best = best
		t.st.HasBest, t.st.BestValue, t.st.BestStep = true, validation, step
		return false, nil
	}
	return t.nc.Patience > 0 && step-t.st.BestStep >= t.nc.Patience, nil
}

// checkpoint saves the current state into the checkpoint directory.
func (t *training) checkpoint() error {
	dir, err := saveCheckpoint(t.nc.CheckpointDir, t.net, t.best, t.st)
	if err != nil {
		return fmt.Errorf("mfn: %w", err)
	}
	t.j.emit(Checkpointed{Step: t.st.Step, Dir: dir})
	return nil
}

// interrupted saves a checkpoint (with a directory) and wraps the
// context's error, so errors.Is(err, context.Canceled) holds.
func (t *training) interrupted(cause error) error {
	if t.nc.CheckpointDir == "" {
		return fmt.Errorf("mfn: interrupted after step %d: %w", t.st.Step, cause)
	}
	if err := t.checkpoint(); err != nil {
		return fmt.Errorf("mfn: interrupted after step %d, and saving a checkpoint failed (%v): %w", t.st.Step, err, cause)
	}
	return fmt.Errorf("mfn: interrupted after step %d (checkpoint in %s; resume to continue): %w", t.st.Step, t.nc.CheckpointDir, cause)
}
