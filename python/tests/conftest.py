"""Shared helpers of poolkit_torch's tests: random cases in the shapes PyTorch accepts, and
inputs in the layouts a model hands over (contiguous, channels_last, sliced)."""
import random

import pytest
import torch

import poolkit_torch  # noqa: F401  (loads torch.ops.poolkit; a missing build fails here)


def out_size(n, k, s, p, d, ceil):
    """PyTorch's pooling output size along one axis."""
    eff = d * (k - 1) + 1
    o = (n + 2 * p - eff + (s - 1 if ceil else 0)) // s + 1
    if ceil and (o - 1) * s >= n + p:
        o -= 1
    return o


def has_empty_window(n, k, s, p, d, out):
    """A window with no tap inside the input (PyTorch reports an index outside it there)."""
    return any(all(not 0 <= o * s - p + t * d < n for t in range(k)) for o in range(out))


def random_values(rng, shape, dtype):
    """Uniform values, or a few distinct integers (ties) a third of the time."""
    g = torch.Generator().manual_seed(rng.randrange(1 << 30))
    if rng.random() < 0.3:
        return torch.randint(-3, 4, shape, generator=g).to(dtype)
    return (torch.rand(shape, generator=g, dtype=torch.float64) * 200 - 100).to(dtype)


def in_layout(x, layout):
    """x as a contiguous, channels_last or sliced (every stride > the dense one) tensor."""
    if layout == "channels_last":
        return x.contiguous(memory_format=torch.channels_last)
    if layout == "sliced":
        n, c, h, w = x.shape
        big = torch.full((n, c + 1, h + 2, 2 * w + 1), float("nan"), dtype=x.dtype)
        view = big[:, 1:, 1:h + 1, 1:2 * w + 1:2]
        view.copy_(x)
        return view
    return x.contiguous()


LAYOUTS = ["contiguous", "channels_last", "sliced"]


def window_case(rng, dilated=True):
    """Random window options PyTorch 1.13 accepts (padding <= kernel / 2) with at least
    one output and no window wholly in padding."""
    while True:
        N, C = rng.randint(1, 2), rng.randint(1, 4)
        H, W = rng.randint(1, 13), rng.randint(1, 13)
        k = (rng.randint(1, 4), rng.randint(1, 4))
        s = (rng.randint(1, 3), rng.randint(1, 3))
        d = (rng.randint(1, 3), rng.randint(1, 3)) if dilated else (1, 1)
        p = (rng.randint(0, k[0] // 2), rng.randint(0, k[1] // 2))
        ceil = rng.random() < 0.5
        oh, ow = out_size(H, k[0], s[0], p[0], d[0], ceil), out_size(W, k[1], s[1], p[1], d[1], ceil)
        if oh < 1 or ow < 1:
            continue
        if has_empty_window(H, k[0], s[0], p[0], d[0], oh) or has_empty_window(W, k[1], s[1], p[1], d[1], ow):
            continue
        return dict(shape=(N, C, H, W), kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)


@pytest.fixture
def rng(request):
    """A generator seeded from the test's name: reproducible, different per test."""
    return random.Random(request.node.name)
