"""poolkit_torch's modules: the same results eager and scripted (torch.jit.script),
gradients through scripted modules, PyTorch's modules' results where PyTorch has them, and
reproducible stochastic layers."""
import torch
import torch.nn as nn

import poolkit_torch as pk
from conftest import random_values

MODULES = [
    (pk.MaxPool2d(3, 2, 1), nn.MaxPool2d(3, 2, 1)),
    (pk.MaxPool2d(2, return_indices=True), nn.MaxPool2d(2, return_indices=True)),
    (pk.AvgPool2d(3, 2, 1, count_include_pad=False), nn.AvgPool2d(3, 2, 1, count_include_pad=False)),
    (pk.AdaptiveMaxPool2d((3, 2)), nn.AdaptiveMaxPool2d((3, 2))),
    (pk.MinPool2d(2), None), (pk.SumPool2d(3, 1, 1), None), (pk.L2Pool2d(2), None),
    (pk.LPPool2d(3, 2), None), (pk.PowerAvgPool2d(2.5, 3, 2, 1), None),
    (pk.AdaptiveAvgPool2d(3), None), (pk.AdaptiveMinPool2d(2), None), (pk.AdaptiveSumPool2d(2), None),
    (pk.GlobalAvgPool2d(), None), (pk.GlobalMaxPool2d(), None), (pk.SpatialPyramidPool2d([1, 2]), None),
    (pk.StochasticPool2d(2, seed=4), None),
    (pk.FractionalMaxPool2d(2, output_size=(4, 4), _random_samples=torch.full((2, 3, 2), 0.25)),
     nn.FractionalMaxPool2d(2, output_size=(4, 4), _random_samples=torch.full((2, 3, 2), 0.25))),
    (pk.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True,
                            _random_samples=torch.full((2, 3, 2), 0.6)),
     nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True,
                            _random_samples=torch.full((2, 3, 2), 0.6))),
    (pk.FractionalMaxPool2d(pooling_ratio=1.5, seed=9), None),
    (pk.FractionalMaxPool2d(pooling_ratio=1.5, seed=9, return_indices=True), None),
    (pk.FractionalAvgPool2d(1.5, overlapping=True, seed=9), None),
]


def flat(out):
    return list(out) if isinstance(out, tuple) else [out]


def test_scripted_modules_equal_eager_and_pytorch(rng):
    x = random_values(rng, (2, 3, 9, 10), torch.float32)
    for ours, theirs in MODULES:
        ours.eval()
        scripted = torch.jit.script(ours)
        name = type(ours).__name__
        # A tuple only with return_indices, as PyTorch's modules.
        assert isinstance(ours(x), tuple) == getattr(ours, "return_indices", False), name
        eager_out, scripted_out = flat(ours(x)), flat(scripted(x))
        assert len(eager_out) == len(scripted_out), name
        assert all(torch.equal(a, b) for a, b in zip(eager_out, scripted_out)), name
        if theirs is not None:
            their_out = flat(theirs(x))
            assert len(eager_out) == len(their_out), name
            assert all(torch.equal(a, b) for a, b in zip(eager_out, their_out)), name


def test_scripted_modules_train(rng):
    model = torch.jit.script(nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), pk.MaxPool2d(2),
                                           pk.StochasticPool2d(2, seed=1), pk.AvgPool2d(2),
                                           pk.GlobalAvgPool2d(), nn.Flatten()))
    x = random_values(rng, (2, 3, 16, 16), torch.float32).abs()
    model(x).sum().backward()
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None and torch.isfinite(g).all() and g.abs().sum() > 0 for g in grads)


def test_stochastic_layer_is_reproducible_and_advances_per_call(rng):
    x = random_values(rng, (2, 3, 8, 8), torch.float32).abs() + 0.1
    a, b = pk.StochasticPool2d(2, seed=5), pk.StochasticPool2d(2, seed=5)
    first_a, first_b = a(x), b(x)
    assert torch.equal(first_a, first_b)
    assert not torch.equal(a(x), first_a)  # the second call draws with the next seed
    assert int(a.calls) == 2 and "calls" in a.state_dict()
    a.eval()
    assert torch.equal(a(x), a(x)) and int(a.calls) == 2


def test_channels_last_models_keep_their_layout(rng):
    x = random_values(rng, (2, 8, 12, 12), torch.float32).contiguous(memory_format=torch.channels_last)
    for module in (pk.MaxPool2d(2), pk.AvgPool2d(3, 1, 1), pk.AdaptiveMaxPool2d(5), pk.L2Pool2d(2)):
        y = module(x)
        assert y.is_contiguous(memory_format=torch.channels_last), type(module).__name__
