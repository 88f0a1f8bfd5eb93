package transport

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// ShowcaseFlows names the particle flows pivsr shows from the command line
// (pivsr ot flow) and in the workstation's Flows panel:
//   - "fokker-planck": V = |x|^2/2 with unit entropy from N((2, 2), 0.25 I),
//     towards N(0, I);
//   - "aggregation": the interaction |z|^4/4 - |z|^2/2 from N(0, I), towards
//     the uniform law on the circle of radius 1/sqrt(3);
//   - "sphere": spherical sliced W_2 to the uniform law on S^2 from a cap
//     around the north pole.
var ShowcaseFlows = []string{"fokker-planck", "aggregation", "sphere"}

// ShowcaseTau is a showcase flow's default time step (the step length for
// the sphere).
func ShowcaseTau(kind string) float64 {
	if kind == "fokker-planck" {
		return 0.2
	}
	return 0.5
}

// ShowcaseStep is one step of a showcase flow: the positions (rows of
// dimension 2, or 3 on the sphere), the energy F (Euclidean flows) or
// SSW_2^2 to the uniform law (sphere), and the RMS displacement.
type ShowcaseStep struct {
	Step        int
	Time        float64
	X           *mat.Dense
	Value       float64
	Moved       float64
	OnTheSphere bool
}

// RunShowcase runs n particles of a showcase flow for steps steps with time
// step tau (0: ShowcaseTau) and slices directions per step (0: the
// default), seeded; observe sees every step, and an error it returns stops
// the flow.
func RunShowcase(kind string, n, steps int, tau float64, slices int, seed uint64, observe func(ShowcaseStep) error) error {
	if tau == 0 {
		tau = ShowcaseTau(kind)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	switch kind {
	case "sphere":
		x0 := mat.NewDense(n, 3, nil)
		for i := range n {
			row := x0.RawRowView(i)
			row[0], row[1], row[2] = 0.2*rng.NormFloat64(), 0.2*rng.NormFloat64(), 1+0.2*rng.NormFloat64()
			norm := math.Sqrt(row[0]*row[0] + row[1]*row[1] + row[2]*row[2])
			for c := range row {
				row[c] /= norm
			}
		}
		sf := NewSphereFlow(tau).Seed(seed)
		if slices > 0 {
			sf.Slices(slices)
		}
		_, err := sf.Run(x0, nil, steps, func(s SphereFlowStep) error {
			return observe(ShowcaseStep{Step: s.Step, Time: float64(s.Step) * tau, X: s.X, Value: s.Distance, Moved: s.Moved, OnTheSphere: true})
		})
		return err
	case "fokker-planck", "aggregation":
		x0 := mat.NewDense(n, 2, nil)
		f := NewFlow(tau).Seed(seed)
		if kind == "fokker-planck" {
			for i := range n {
				x0.Set(i, 0, 2+0.5*rng.NormFloat64())
				x0.Set(i, 1, 2+0.5*rng.NormFloat64())
			}
			f.Potential(QuadraticPotential).Entropy(1)
		} else {
			for i := range n {
				x0.Set(i, 0, rng.NormFloat64())
				x0.Set(i, 1, rng.NormFloat64())
			}
			f.Interaction(AttractiveRepulsive(4, 2))
		}
		if slices > 0 {
			f.Slices(slices)
		}
		_, err := f.Run(x0, steps, func(s FlowStep) error {
			return observe(ShowcaseStep{Step: s.Step, Time: s.Time, X: s.X, Value: s.Energy, Moved: s.Moved})
		})
		return err
	}
	return fmt.Errorf("%w: unknown flow %q, want fokker-planck, aggregation or sphere", ErrConfig, kind)
}
