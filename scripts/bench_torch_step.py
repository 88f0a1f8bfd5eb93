#!/usr/bin/env python3
"""PyTorch reference for models.BenchmarkTrainStep (pivsr/models).

One training step of a FourierNet multiplicative filter network (4 filters,
hidden 128, input scale 32) on 1024 measured vectors and 1024 collocation
points: data MSE plus lambda_div * mean((du/dx + dv/dy)^2), the derivatives
taken with autograd (create_graph=True, as a user would write it), one AdamW
update (lr 1e-3, weight decay 1e-4, lambda_div 1e-3: the Go benchmark's
DefaultTrainConfig). Prints ms/step for 1 and 2 threads, best of --repeats
timings of --steps steps each. With --device cuda, runs on the GPU instead
(the thread count does not apply there). With --structure, the step adds
models.BenchmarkTrainStepStructure's structure-function prior: 256 random
origins shifted by 1..4 steps of 2/256 along x, y and the diagonal,
0.1 * mean_g (log S2(r_g) - log S2*(r_g))^2 with S2* = e^2 r^2.

Usage: python3 scripts/bench_torch_step.py [--threads 1,2] [--steps 30] [--device cpu|cuda] [--structure]
Needs PyTorch (Debian: apt-get install python3-torch, then /usr/bin/python3).
"""

import argparse
import math
import time

import torch
from torch import nn


class FourierFilter(nn.Module):
    """sin(Omega p + phi), Omega ~ U(-1/sqrt(2), 1/sqrt(2)) * scale, phi ~ U(-pi, pi)."""

    def __init__(self, hidden, weight_scale):
        super().__init__()
        self.linear = nn.Linear(2, hidden)
        self.linear.weight.data *= weight_scale
        self.linear.bias.data.uniform_(-math.pi, math.pi)

    def forward(self, p):
        return torch.sin(self.linear(p))


class FourierNet(nn.Module):
    """z_1 = g_1(p), z_{i+1} = (W_i z_i + b_i) * g_{i+1}(p), out = W_out z_k + b_out."""

    def __init__(self, filters=4, hidden=128, input_scale=32.0):
        super().__init__()
        scale = input_scale / math.sqrt(filters)
        self.filters = nn.ModuleList(FourierFilter(hidden, scale) for _ in range(filters))
        self.linears = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(filters - 1))
        bound = math.sqrt(1.0 / hidden)
        for lin in self.linears:
            lin.weight.data.uniform_(-bound, bound)
        self.output = nn.Linear(hidden, 2)

    def forward(self, p):
        z = self.filters[0](p)
        for g, lin in zip(self.filters[1:], self.linears):
            z = g(p) * lin(z)
        return self.output(z)


def structure_points(origins, lags, h, device):
    """Origins, then the same origins shifted by each separation; the log targets of S2 = e^2 r^2."""
    shifts = [(l * h * dx, l * h * dy) for dx, dy in ((1, 0), (0, 1), (1, 1)) for l in range(1, lags + 1)]
    p0 = torch.rand(origins, 2, device=device) * 2 - 1
    groups = [p0] + [p0 + torch.tensor(s, device=device) for s in shifts]
    target = torch.tensor([2 * math.log(math.hypot(*s)) + 2 for s in shifts], device=device)
    return torch.cat(groups), target


def structure_loss(out, groups, target):
    f = out.view(groups, -1, 2)
    s2 = ((f[1:] - f[:1]) ** 2).sum(dim=2).mean(dim=1)
    return ((torch.log(s2 + 1e-12) - target) ** 2).mean()


def make_step(net, opt, lambda_div, structure=None, lambda_s2=0.1):
    def step(p_data, uv, p_col):
        opt.zero_grad(set_to_none=True)
        data = ((net(p_data) - uv) ** 2).sum(dim=1).mean()
        if structure is not None:
            p_s, target = structure
            data = data + lambda_s2 * structure_loss(net(p_s), target.shape[0] + 1, target)
        p = p_col.clone().requires_grad_(True)
        out = net(p)
        du = torch.autograd.grad(out[:, 0].sum(), p, create_graph=True)[0]
        dv = torch.autograd.grad(out[:, 1].sum(), p, create_graph=True)[0]
        div = ((du[:, 0] + dv[:, 1]) ** 2).mean()
        loss = data + lambda_div * div
        loss.backward()
        opt.step()
        return loss.item()

    return step


def bench(threads, steps, repeats, n_data, n_col, filters, hidden, device="cpu", structure=False):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = FourierNet(filters, hidden).to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    step = make_step(net, opt, 1e-3, structure_points(256, 4, 2.0 / 256, device) if structure else None)
    a = 3.0
    p_data = torch.rand(n_data, 2, device=device) * 2 - 1
    uv = torch.stack([torch.cos(a * p_data[:, 0]) * torch.sin(a * p_data[:, 1]),
                      -torch.sin(a * p_data[:, 0]) * torch.cos(a * p_data[:, 1])], dim=1)
    p_col = torch.rand(n_col, 2, device=device) * 2 - 1
    for _ in range(5):  # warm-up
        step(p_data, uv, p_col)
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step(p_data, uv, p_col)
        if device != "cpu":
            torch.cuda.synchronize()
        best = min(best, (time.perf_counter() - start) / steps * 1e3)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=int, default=1024)
    parser.add_argument("--collocation", type=int, default=1024)
    parser.add_argument("--filters", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--device", default="cpu", help="cpu, or cuda for the GPU")
    parser.add_argument("--structure", action="store_true", help="add the structure-function prior")
    args = parser.parse_args()
    print(f"torch {torch.__version__}: FourierNet {args.filters} filters, hidden {args.hidden}, "
          f"{args.data} data + {args.collocation} collocation points, data + divergence"
          f"{' + structure function' if args.structure else ''}, AdamW")
    if args.device != "cpu":
        ms = bench(1, args.steps, args.repeats, args.data, args.collocation, args.filters, args.hidden, args.device,
                   args.structure)
        print(f"torch_train_step device={args.device} ({torch.cuda.get_device_name()}) hidden={args.hidden} ms_per_step={ms:.2f}")
        return
    for threads in (int(t) for t in args.threads.split(",")):
        ms = bench(threads, args.steps, args.repeats, args.data, args.collocation, args.filters, args.hidden,
                   structure=args.structure)
        print(f"torch_train_step threads={threads} ms_per_step={ms:.2f}")


if __name__ == "__main__":
    main()
