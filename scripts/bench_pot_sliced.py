"""Peer timing for BenchmarkSliced100k: POT's sliced W_2 between two sets of
100,000 points in 2D with 1,000 projections. Prints the best wall time in ms."""
import sys
import time

import numpy as np
import ot

n, projections, repeats = 100_000, 1000, int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = np.random.default_rng(1)
x = rng.normal(size=(n, 2))
y = rng.normal(loc=(1.0, -1.0), scale=2.0, size=(n, 2))
best = float("inf")
for _ in range(repeats):
    t0 = time.perf_counter()
    ot.sliced_wasserstein_distance(x, y, n_projections=projections, p=2, seed=0)
    best = min(best, time.perf_counter() - t0)
print(f"{best * 1e3:.3f}")
