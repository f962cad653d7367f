#!/usr/bin/env python3
"""The linear probe's objective minimized by PyTorch, for LinearProbeTests: multinomial logistic regression with an L2
penalty on the weights, J(W, b) = mean cross-entropy(X Wᵀ + b, y) + λ‖W‖², fitted in float64 by torch.optim.LBFGS to a
gradient of 1e-10. Writes x.npy [n, d] (float32), y.npy [n] (int64), and the optimum: weight.npy [c, d], bias.npy [c],
value.npy (J at the optimum), all float64. Run from this folder (PyTorch 1.13, Debian's python3-torch)."""
import numpy as np
import torch

PENALTY = 0.01
rng = np.random.default_rng(7)
n, d, c = 240, 6, 3
centres = rng.normal(size=(c, d))
y = rng.integers(0, c, size=n)
x = (centres[y] + 1.5 * rng.normal(size=(n, d))).astype(np.float32)  # overlapping classes: a finite optimum

X = torch.tensor(x, dtype=torch.float64)
Y = torch.tensor(y)
weight = torch.zeros(c, d, dtype=torch.float64, requires_grad=True)
bias = torch.zeros(c, dtype=torch.float64, requires_grad=True)
optimizer = torch.optim.LBFGS([weight, bias], max_iter=1000, tolerance_grad=1e-10, tolerance_change=0,
                              history_size=20, line_search_fn="strong_wolfe")


def objective():
    optimizer.zero_grad()
    value = torch.nn.functional.cross_entropy(X @ weight.T + bias, Y) + PENALTY * (weight ** 2).sum()
    value.backward()
    return value


optimizer.step(objective)
value = objective()
np.save("x.npy", x)
np.save("y.npy", y.astype(np.int64))
np.save("weight.npy", weight.detach().numpy())
np.save("bias.npy", bias.detach().numpy())
np.save("value.npy", np.array(value.item()))
print("J =", value.item(), "largest gradient", max(weight.grad.abs().max().item(), bias.grad.abs().max().item()))
