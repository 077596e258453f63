"""Gradients through poolkit_torch: PyTorch's autograd bits where SPEC section 9 says so,
torch.autograd.gradcheck in double for every differentiable operation (those PyTorch lacks
included), and the same bits for every thread count."""
import pytest
import torch
import torch.nn.functional as TF

import poolkit_torch.functional as F
from conftest import LAYOUTS, in_layout, random_values, window_case


def grad_of(forward, x, dy):
    x = x.detach().clone().requires_grad_(True)
    (dx,) = torch.autograd.grad(forward(x), x, dy)
    return dx


def random_dy(rng, shape, dtype):
    """dy with exact repeats and zeros, so that overlapping windows add equal terms."""
    dy = random_values(rng, shape, dtype) / 10
    dy[torch.rand(shape, generator=torch.Generator().manual_seed(rng.randrange(99))) < 0.1] = 0
    return dy


def test_max_min_avg_gradients_match_pytorch_bit_for_bit(rng):
    for trial in range(90):
        dtype = torch.float64 if trial % 3 == 0 else torch.float32
        kind = ["max", "min", "avg"][trial % 3]
        case = window_case(rng, dilated=kind != "avg")
        x = random_values(rng, case["shape"], dtype)
        k, s, p, d, ceil = (case[n] for n in ("kernel_size", "stride", "padding", "dilation", "ceil_mode"))
        if kind == "avg":
            include_pad, divisor = rng.random() < 0.5, rng.choice([None, None, 1, 3])
            ours = lambda t: F.avg_pool2d(t, k, s, p, ceil, include_pad, divisor)
            theirs = lambda t: TF.avg_pool2d(t, k, s, p, ceil, include_pad, divisor)
        else:
            sign = 1.0 if kind == "max" else -1.0
            pool = F.max_pool2d if kind == "max" else F.min_pool2d
            ours = lambda t: pool(t, k, s, p, d, ceil)
            theirs = lambda t: sign * TF.max_pool2d(sign * t, k, s, p, d, ceil)
        dy = random_dy(rng, theirs(x).shape, dtype)
        want = grad_of(theirs, x, dy)
        for layout in LAYOUTS:
            got = grad_of(ours, in_layout(x, layout), in_layout(dy, layout))
            assert torch.equal(got, want), (kind, case, layout)


def test_adaptive_global_fractional_unpool_gradients_match_pytorch(rng):
    for trial in range(40):
        dtype = torch.float64 if trial % 2 else torch.float32
        H, W = rng.randint(2, 13), rng.randint(2, 13)
        x = random_values(rng, (rng.randint(1, 2), rng.randint(1, 3), H, W), dtype)
        size = (1, 1) if trial % 4 == 0 else (rng.randint(1, H + 2), rng.randint(1, W + 2))
        k = (rng.randint(1, min(3, H)), rng.randint(1, min(3, W)))
        out = (rng.randint(1, H - k[0] + 1), rng.randint(1, W - k[1] + 1))
        u = torch.rand(x.shape[0], x.shape[1], 2, dtype=dtype, generator=torch.Generator().manual_seed(trial))
        pairs = [
            (lambda t: F.adaptive_max_pool2d(t, size), lambda t: TF.adaptive_max_pool2d(t, size)),
            (lambda t: F.adaptive_avg_pool2d(t, size), lambda t: TF.adaptive_avg_pool2d(t, size)),
            (F.global_avg_pool2d, lambda t: t.mean((2, 3), keepdim=True)),
            (lambda t: F.fractional_max_pool2d(t, k, output_size=out, _random_samples=u),
             lambda t: TF.fractional_max_pool2d(t, k, output_size=out, _random_samples=u)),
        ]
        for number, (ours, theirs) in enumerate(pairs):
            dy = random_dy(rng, theirs(x).shape, dtype)
            want = grad_of(theirs, x, dy)
            for layout in LAYOUTS:
                assert torch.equal(grad_of(ours, in_layout(x, layout), dy), want), (number, size, layout)
        v, i = TF.max_pool2d(x, 2, return_indices=True)  # H, W >= 2
        dy = random_dy(rng, (x.shape[0], x.shape[1], H, W), dtype)
        want = grad_of(lambda t: TF.max_unpool2d(t, i, 2, output_size=(H, W)), v, dy)
        assert torch.equal(grad_of(lambda t: F.max_unpool2d(t, i, 2, output_size=[H, W]), v, dy), want)


def positive(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=g, dtype=torch.float64) + 0.5).requires_grad_(True)


def distinct(shape, seed):
    """Values far apart, so that finite differences never change a max's winner."""
    g = torch.Generator().manual_seed(seed)
    n = 1
    for e in shape:
        n *= e
    return (torch.randperm(n, generator=g).double().reshape(shape) / 7 - 3).requires_grad_(True)


GRADCHECKED = {
    "max_pool2d": lambda t: F.max_pool2d(t, 3, 2, 1, 2, True),
    "min_pool2d": lambda t: F.min_pool2d(t, (2, 3), 1),
    "avg_pool2d": lambda t: F.avg_pool2d(t, 3, 2, 1, True, False, dilation=2),
    "sum_pool2d": lambda t: F.sum_pool2d(t, (3, 2), 1, (1, 0)),
    "l2_pool2d": lambda t: F.l2_pool2d(t, 2, 1),
    "lp_pool2d": lambda t: F.lp_pool2d(t, 3.0, 2, 1, padding=1),
    "power_avg_pool2d": lambda t: F.power_avg_pool2d(t, 2.5, 3, 2, 1, count_include_pad=False),
    "adaptive_max_pool2d": lambda t: F.adaptive_max_pool2d(t, (3, 4)),
    "adaptive_min_pool2d": lambda t: F.adaptive_min_pool2d(t, (4, 3)),
    "adaptive_avg_pool2d": lambda t: F.adaptive_avg_pool2d(t, (3, 5)),
    "adaptive_sum_pool2d": lambda t: F.adaptive_sum_pool2d(t, (2, 2)),
    "global_avg_pool2d": F.global_avg_pool2d,
    "global_sum_pool2d": F.global_sum_pool2d,
    "global_max_pool2d": F.global_max_pool2d,
    "global_min_pool2d": F.global_min_pool2d,
    "stochastic_pool2d": lambda t: F.stochastic_pool2d(t, 2, seed=3)[0],
    "fractional_max_pool2d": lambda t: F.fractional_max_pool2d(
        t, 2, output_size=(4, 5), _random_samples=torch.full((2, 3, 2), 0.3, dtype=torch.float64)),
    "fractional_max_pool2d_ratio": lambda t: F.fractional_max_pool2d_ratio(t, 1.4, overlapping=True, seed=5)[0],
    "fractional_avg_pool2d": lambda t: F.fractional_avg_pool2d(t, (1.5, 1.3), True, True, seed=5)[0],
}


@pytest.mark.parametrize("name", sorted(GRADCHECKED))
def test_gradcheck_in_double(name):
    x = distinct((2, 3, 7, 8), 1) if "max" in name or "min" in name else positive((2, 3, 7, 8), 1)
    if name == "stochastic_pool2d":
        x = positive((2, 3, 7, 8), 2)  # draws depend on x / sum x: keep the draw away from edges
    assert torch.autograd.gradcheck(GRADCHECKED[name], (x,), eps=1e-6, atol=1e-5), name


def test_gradcheck_unpool_values():
    x = distinct((1, 2, 6, 6), 3).detach()
    _, i = TF.max_pool2d(x, 2, return_indices=True)
    v = positive((1, 2, 3, 3), 4)
    assert torch.autograd.gradcheck(lambda t: F.max_unpool2d(t, i, 2), (v,))


def test_thread_counts_give_the_same_bits(rng):
    x = random_values(rng, (4, 16, 64, 64), torch.float32).requires_grad_(True)
    results = []
    before = torch.get_num_threads()
    try:
        for threads in (1, 2, 3):
            torch.set_num_threads(threads)
            y = F.avg_pool2d(x, 3, 2, 1) + F.max_pool2d(x, 3, 2, 1) + F.l2_pool2d(x, 3, 2, 1)
            g = torch.autograd.grad(y.sum() + F.global_avg_pool2d(x).sum(), x)[0]
            results.append((y.detach(), g))
    finally:
        torch.set_num_threads(before)
    for y, g in results[1:]:
        assert torch.equal(y, results[0][0]) and torch.equal(g, results[0][1])


def test_operations_without_a_backward_refuse_a_tensor_that_needs_one():
    x = torch.rand(1, 2, 8, 8, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"poolkit::spatial_pyramid_pool2d: x.requires_grad = True: has no backward pass"):
        F.spatial_pyramid_pool2d(x)
    with pytest.raises(RuntimeError, match=r"poolkit::stochastic_pool2d: x.requires_grad = True"):
        F.stochastic_pool2d(x, 2, training=False)
    with torch.no_grad():
        assert F.spatial_pyramid_pool2d(x).shape == (1, 42, 1, 1)
