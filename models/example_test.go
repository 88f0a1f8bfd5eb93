package models_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"pivsr/models"
)

// Example fits a Taylor-Green vortex from 200 scattered vectors with the
// soft divergence-free term, then checks the field at unseen points.
func Example() {
	backend, _, err := models.NewBackend("go")
	if err != nil {
		panic(err)
	}
	cfg := models.DefaultConfig()
	cfg.Filters, cfg.Hidden, cfg.InputScale = 3, 32, 8
	net, err := models.NewNetwork(cfg)
	if err != nil {
		panic(err)
	}
	trainer, err := models.NewTrainer(backend, net, models.TrainConfig{LearningRate: 3e-3, DivergenceWeight: 1e-3})
	if err != nil {
		panic(err)
	}
	field := func(x, y float64) (u, v float64) {
		return math.Cos(math.Pi*x) * math.Sin(math.Pi*y), -math.Sin(math.Pi*x) * math.Cos(math.Pi*y)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	uniform := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 2*rng.Float64() - 1
		}
		return s
	}
	batch := &models.Batch{X: uniform(200), Y: uniform(200), U: make([]float64, 200), V: make([]float64, 200)}
	for i := range batch.X {
		batch.U[i], batch.V[i] = field(batch.X[i], batch.Y[i])
	}
	var first, last models.Losses
	for step := range 300 {
		batch.CX, batch.CY = uniform(200), uniform(200) // fresh collocation points
		if last, err = trainer.Step(batch); err != nil {
			panic(err)
		}
		if step == 0 {
			first = last
		}
	}
	predictor, err := models.NewPredictor(backend, net)
	if err != nil {
		panic(err)
	}
	x, y := uniform(100), uniform(100)
	pred, err := predictor.Predict(x, y, false)
	if err != nil {
		panic(err)
	}
	worst := 0.0
	for i := range x {
		u, v := field(x[i], y[i])
		worst = max(worst, math.Hypot(pred.U[i]-u, pred.V[i]-v))
	}
	fmt.Println("loss fell a hundredfold:", last.Total < first.Total/100)
	fmt.Println("largest error at unseen points below 0.2:", worst < 0.2)
	// Output:
	// loss fell a hundredfold: true
	// largest error at unseen points below 0.2: true
}
