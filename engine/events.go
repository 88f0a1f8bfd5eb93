package engine

import (
	"fmt"
	"time"

	"pivsr/models"
	"pivsr/piv"
)

// Event is something a run reports: Started, Progress, Snapshot, Scored,
// Finished, and for the neural method Rollback, Checkpointed and
// EarlyStopped. A failed run returns its error instead of finishing.
type Event interface{ isEvent() }

// Started opens a run.
type Started struct {
	Method   string
	Backend  string   // compute backend of a neural method ("" for classical ones)
	Vectors  int      // valid input vectors
	Train    int      // vectors fitted
	Holdout  int      // vectors held out for validation
	Target   piv.Grid // the grid reconstructed on
	Boundary string   // "periodic" or "open", as used
	Note     string   // how the boundary was decided, or other context
}

// Term is one loss term of a training step.
type Term struct {
	Name   string
	Value  float64
	Weight float64
}

// Progress reports a training step of an iterative method.
type Progress struct {
	Step, Steps  int
	Terms        []Term
	LearningRate float64
	StepsPerSec  float64
	ETA          time.Duration
	// Validation is the rms velocity error at the held-out vectors (NaN
	// when nothing is held out or it was not measured at this step).
	Validation float64
}

// Snapshot carries the current reconstruction (a fresh field the receiver
// may keep).
type Snapshot struct {
	Step  int
	Field *piv.Field
}

// Scored reports the metrics of the current reconstruction against the
// truth, full grid and interior.
type Scored struct {
	Step             int
	Full, Interior   *piv.Metrics
	InteriorBorder   int
	ValidationRMSErr float64
}

// Finished closes a successful run.
type Finished struct {
	Result *Result
}

// Rollback reports a training step whose loss was not finite or diverged:
// training went back to the last good state (step ResumeStep) with the peak
// learning rate lowered to LearningRate.
type Rollback struct {
	Step, ResumeStep int
	LearningRate     float64
	Reason           string
}

// Checkpointed reports a checkpoint written after step Step into Dir.
type Checkpointed struct {
	Step int
	Dir  string
}

// EarlyStopped reports that the held-out error stopped improving: training
// ended at Step, and the field uses the parameters of BestStep.
type EarlyStopped struct {
	Step, BestStep int
	BestValidation float64
}

func (Rollback) isEvent()     {}
func (Checkpointed) isEvent() {}
func (EarlyStopped) isEvent() {}

func (Started) isEvent()  {}
func (Progress) isEvent() {}
func (Snapshot) isEvent() {}
func (Scored) isEvent()   {}
func (Finished) isEvent() {}

// Result is what a run produces.
type Result struct {
	Field    *piv.Field
	Method   string
	Boundary string
	Elapsed  time.Duration
	// Metrics against the truth (nil without one); Interior drops
	// InteriorBorder nodes on each side.
	Metrics, Interior *piv.Metrics
	InteriorBorder    int
	// Validation is the rms velocity error at the held-out vectors (NaN
	// without a holdout).
	Validation float64
	// State holds the trained network's parameters (nil for classical
	// methods), to warm-start the next fit (NeuralConfig.WarmStart).
	State *models.State
}

func (s Started) String() string {
	return fmt.Sprintf("%s on %dx%d (%s boundary), %d vectors: %d fitted, %d held out", s.Method, s.Target.NX(), s.Target.NY(), s.Boundary, s.Vectors, s.Train, s.Holdout)
}
