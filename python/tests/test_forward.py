"""Forward results of poolkit_torch against torch.nn.functional: the same bits where SPEC
says so (max, avg, adaptive max, fractional max, unpool), within rounding where SPEC differs
on purpose (adaptive avg divides once; global avg's fixed order; lp sums |x|^p)."""
import torch
import torch.nn.functional as TF

import poolkit_torch.functional as F
from conftest import LAYOUTS, in_layout, random_values, window_case

DTYPES = [torch.float32, torch.float64]


def same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(
        torch.nan_to_num(a, nan=1234.5), torch.nan_to_num(b, nan=1234.5))


def test_max_and_min_match_pytorch_bit_for_bit(rng):
    for trial in range(120):
        case = window_case(rng)
        dtype = DTYPES[trial % 2]
        x = random_values(rng, case["shape"], dtype)
        args = (case["kernel_size"], case["stride"], case["padding"], case["dilation"], case["ceil_mode"])
        want, want_i = TF.max_pool2d(x, *args, return_indices=True)
        for layout in LAYOUTS:
            xi = in_layout(x, layout)
            got, got_i = F.max_pool2d(xi, *args, return_indices=True)
            assert same_bits(got, want) and torch.equal(got_i, want_i), (case, layout, dtype)
            assert same_bits(F.max_pool2d(xi, *args), want), (case, layout)
            neg, neg_i = TF.max_pool2d(-x, *args, return_indices=True)
            got, got_i = F.min_pool2d(xi, *args, return_indices=True)
            assert same_bits(got, -neg) and torch.equal(got_i, neg_i), (case, layout, "min")
            if layout == "channels_last":
                assert got.is_contiguous(memory_format=torch.channels_last), case


def test_avg_and_sum_match_pytorch_bit_for_bit(rng):
    for trial in range(120):
        case = window_case(rng, dilated=False)
        x = random_values(rng, case["shape"], DTYPES[trial % 2])
        include_pad = rng.random() < 0.5
        divisor = rng.choice([None, None, 1, 3, 7])
        k, s, p, ceil = case["kernel_size"], case["stride"], case["padding"], case["ceil_mode"]
        want = TF.avg_pool2d(x, k, s, p, ceil, include_pad, divisor)
        sums = TF.avg_pool2d(x, k, s, p, ceil, False, 1)
        for layout in LAYOUTS:
            xi = in_layout(x, layout)
            assert same_bits(F.avg_pool2d(xi, k, s, p, ceil, include_pad, divisor), want), (case, include_pad, divisor, layout)
            assert same_bits(F.sum_pool2d(xi, k, s, p, ceil), sums), (case, layout)


def test_unbatched_inputs_pool_as_pytorch_does(rng):
    x = random_values(rng, (3, 9, 7), torch.float32)
    assert same_bits(F.max_pool2d(x, 3, 2, 1), TF.max_pool2d(x, 3, 2, 1))
    assert same_bits(F.avg_pool2d(x, 2), TF.avg_pool2d(x, 2))
    assert same_bits(F.adaptive_max_pool2d(x, (2, 3)), TF.adaptive_max_pool2d(x, (2, 3)))


def test_adaptive_pooling(rng):
    for trial in range(60):
        dtype = DTYPES[trial % 2]
        H, W = rng.randint(1, 14), rng.randint(1, 14)
        x = random_values(rng, (rng.randint(1, 2), rng.randint(1, 3), H, W), dtype)
        size = (1, 1) if trial % 5 == 0 else (rng.randint(1, H + 3), rng.randint(1, W + 3))
        want, want_i = TF.adaptive_max_pool2d(x, size, return_indices=True)
        for layout in LAYOUTS:
            xi = in_layout(x, layout)
            got, got_i = F.adaptive_max_pool2d(xi, size, return_indices=True)
            assert same_bits(got, want) and torch.equal(got_i, want_i), (size, layout)
            assert same_bits(F.adaptive_min_pool2d(xi, size), -TF.adaptive_max_pool2d(-x, size)), (size, layout)
            # One division by the bin size instead of PyTorch's two: within one rounding.
            torch.testing.assert_close(F.adaptive_avg_pool2d(xi, size), TF.adaptive_avg_pool2d(x, size))
            torch.testing.assert_close(F.adaptive_sum_pool2d(xi, size).double(),
                                       TF.adaptive_avg_pool2d(x.double(), size) * _bin_sizes(H, W, size),
                                       rtol=1e-5, atol=1e-4)


def _bin_sizes(H, W, size):
    """Taps per adaptive bin: (end - start) per axis, PyTorch's integer bins."""
    def lengths(n, o):
        return torch.tensor([((i + 1) * n + o - 1) // o - (i * n) // o for i in range(o)], dtype=torch.float64)
    return lengths(H, size[0])[:, None] * lengths(W, size[1])[None, :]


def test_global_pooling(rng):
    for trial in range(20):
        x = random_values(rng, (2, rng.randint(1, 5), rng.randint(1, 9), rng.randint(1, 9)), DTYPES[trial % 2])
        for layout in LAYOUTS:
            xi = in_layout(x, layout)
            assert same_bits(F.global_max_pool2d(xi), TF.adaptive_max_pool2d(x, 1))
            assert same_bits(F.global_min_pool2d(xi), -TF.adaptive_max_pool2d(-x, 1))
            torch.testing.assert_close(F.global_avg_pool2d(xi), x.mean((2, 3), keepdim=True))
            torch.testing.assert_close(F.global_sum_pool2d(xi), x.sum((2, 3), keepdim=True))


def test_lp_matches_pytorch_on_non_negative_inputs(rng):
    for trial in range(30):
        x = random_values(rng, (1, 2, rng.randint(2, 10), rng.randint(2, 10)), torch.float64).abs()
        p = rng.choice([1.0, 2.0, 3.0, 1.5])
        k = (rng.randint(1, min(3, x.shape[2])), rng.randint(1, min(3, x.shape[3])))
        want = TF.lp_pool2d(x, p, k)
        torch.testing.assert_close(F.lp_pool2d(x, p, k), want)
        if p == 2.0:
            torch.testing.assert_close(F.l2_pool2d(x, k), want)


def test_fractional_max_with_pytorchs_samples(rng):
    for trial in range(40):
        dtype = DTYPES[trial % 2]
        N, C, H, W = rng.randint(1, 2), rng.randint(1, 3), rng.randint(2, 14), rng.randint(2, 14)
        k = (rng.randint(1, min(3, H)), rng.randint(1, min(3, W)))
        size = (rng.randint(1, H - k[0] + 1), rng.randint(1, W - k[1] + 1))
        x = random_values(rng, (N, C, H, W), dtype)
        u = torch.rand(N, C, 2, dtype=dtype, generator=torch.Generator().manual_seed(trial))
        want, want_i = TF.fractional_max_pool2d(x, k, output_size=size, return_indices=True, _random_samples=u)
        for layout in LAYOUTS:
            got, got_i = F.fractional_max_pool2d(in_layout(x, layout), k, output_size=size,
                                                 return_indices=True, _random_samples=u)
            assert same_bits(got, want) and torch.equal(got_i, want_i), (k, size, layout)


def test_max_unpool_matches_pytorch(rng):
    for trial in range(30):
        H, W = rng.randint(2, 12), rng.randint(2, 12)
        x = random_values(rng, (1, 2, H, W), torch.float32)
        k = (rng.randint(1, 2), rng.randint(1, 2))
        v, i = TF.max_pool2d(x, k, return_indices=True)
        want = TF.max_unpool2d(v, i, k, output_size=(H, W))
        assert same_bits(F.max_unpool2d(v, i, k, output_size=[H, W]), want), (H, W, k)


def test_graham_sequences_round_trip(rng):
    x = random_values(rng, (2, 3, 17, 13), torch.float32)
    v, i, rows, cols = F.fractional_max_pool2d_ratio(x, (1.5, 1.3), seed=7)
    again, i2, _, _ = F.fractional_max_pool2d_ratio(x, (1.5, 1.3), seed=123, row_sequence=rows,
                                                    col_sequence=cols)
    assert torch.equal(v, again) and torch.equal(i, i2)
    # Each value is the maximum of its region [rows[a], rows[a+1]) x [cols[b], cols[b+1]).
    for a in range(v.shape[2]):
        for b in range(v.shape[3]):
            region = x[:, :, rows[a]:rows[a + 1], cols[b]:cols[b + 1]]
            assert torch.equal(v[:, :, a, b], region.amax((2, 3))), (a, b)
    avg, r2, c2 = F.fractional_avg_pool2d(x, (1.5, 1.3), row_sequence=rows, col_sequence=cols)
    torch.testing.assert_close(avg[:, :, 0, 0], x[:, :, rows[0]:rows[1], cols[0]:cols[1]].mean((2, 3)))


def test_stochastic_pooling_is_reproducible_and_draws_window_taps(rng):
    x = random_values(rng, (2, 3, 8, 8), torch.float32).abs() + 0.5
    v, i = F.stochastic_pool2d(x, 2, seed=11)
    v2, i2 = F.stochastic_pool2d(in_layout(x, "channels_last"), 2, seed=11)
    assert torch.equal(v, v2) and torch.equal(i, i2)
    assert torch.equal(v, x.flatten(2).gather(2, i.flatten(2)).view_as(v))
    v3, _ = F.stochastic_pool2d(x, 2, seed=12)
    assert not torch.equal(v, v3)
    inference, _ = F.stochastic_pool2d(x, 2, training=False)
    want = TF.avg_pool2d(x * x, 2) / TF.avg_pool2d(x, 2)
    torch.testing.assert_close(inference, want)


def test_spatial_pyramid_is_adaptive_pooling_per_level(rng):
    x = random_values(rng, (2, 3, 11, 9), torch.float32)
    got = F.spatial_pyramid_pool2d(x, [1, 2, 4])
    want = torch.cat([TF.adaptive_max_pool2d(x, n).flatten(1) for n in (1, 2, 4)], 1)
    assert torch.equal(got.flatten(1), want)
