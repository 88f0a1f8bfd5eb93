package nf_test

import (
	"fmt"

	"pivsr/models"
	"pivsr/transport/nf"
)

// Fit a flow of the sphere to a mixture of two von Mises-Fisher bumps by
// SSW to the uniform law, then score held-out points in nats (the uniform
// law scores log 4 pi = 2.531). `pivsr ot earth` does this on the Earth
// event sets.
func ExampleSphereFlow() {
	backend, _, err := models.NewBackend("go")
	if err != nil {
		fmt.Println(err)
		return
	}
	bumps := []nf.VMFComponent{
		{Weight: 0.6, Mu: [3]float64{1, 0, 0}, Kappa: 15},
		{Weight: 0.4, Mu: [3]float64{0, 0, 1}, Kappa: 30},
	}
	train, _ := nf.VMFMixture(2000, bumps, 1)
	test, _ := nf.VMFMixture(1000, bumps, 2)
	flow, _ := nf.NewSphereFlow(nf.Config{Layers: 4, Hidden: 16, Seed: 1})
	if _, err := flow.FitSSW(backend, train, nf.SSWConfig{Steps: 400, Batch: 256, Seed: 1}); err != nil {
		fmt.Println(err)
		return
	}
	nll, _ := flow.MeanNLL(backend, test)
	fmt.Printf("uniform %.3f, flow below it by more than half a nat: %v\n", -nf.LogUniformSphere, nll < -nf.LogUniformSphere-0.5)
	// Output:
	// uniform 2.531, flow below it by more than half a nat: true
}
