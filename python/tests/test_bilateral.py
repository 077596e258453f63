"""Bilateral pooling through the extension against a direct PyTorch computation of SPEC
section 7 (uniform and Gaussian weights, full and packed layouts, global); present when the
extension was built with Eigen (CTest says so in POOLKIT_TORCH_BILATERAL)."""
import math
import os

import pytest
import torch
import torch.nn.functional as TF

import poolkit_torch as pk
import poolkit_torch.functional as F

pytestmark = pytest.mark.skipif(
    os.environ.get("POOLKIT_TORCH_BILATERAL", "1") == "0",
    reason="the extension was built without Eigen (no bilateral pooling)")


def windowed_products(x, k, s, weights):
    """sum_t w_t^2 x_t x_t^T / sum_t w_t^2 per window, (N, C*C, OH, OW), in double."""
    n, c, h, w = x.shape
    cols = TF.unfold(x.double(), k, stride=s)                       # (N, C*kh*kw, L)
    cols = cols.view(n, c, k[0] * k[1], -1)
    w2 = (weights.double() ** 2).view(1, 1, -1, 1)
    y = torch.einsum("nitl,njtl->nijl", cols * w2, cols) / w2.sum()
    oh, ow = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1
    return y.reshape(n, c * c, oh, ow)


def test_windows_match_a_direct_computation():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(2, 3, 9, 8, generator=g)
    k, s = (3, 2), (2, 1)
    got = F.bilateral_pool2d(x, k, s)
    torch.testing.assert_close(got.double(), windowed_products(x, k, s, torch.ones(6)), rtol=1e-5, atol=1e-5)
    sigma = 1.5
    taps = [(i - 1.0, j - 0.5) for i in range(3) for j in range(2)]  # from the centre ((kh-1)/2, (kw-1)/2)
    gauss = torch.tensor([math.exp(-(a * a + b * b) / (2 * sigma * sigma)) for a, b in taps])
    got = F.bilateral_pool2d(x, k, s, weights="gaussian", sigma=sigma)
    torch.testing.assert_close(got.double(), windowed_products(x, k, s, gauss), rtol=1e-5, atol=1e-5)
    packed = F.bilateral_pool2d(x, k, s, layout="packed")
    full = F.bilateral_pool2d(x, k, s).view(2, 3, 3, 4, 7)
    upper = torch.stack([full[:, i, j] for i in range(3) for j in range(i, 3)], 1)
    assert torch.equal(packed, upper)


def test_global_is_xtx_over_hw_and_modules_script():
    x = torch.randn(2, 4, 5, 6, generator=torch.Generator().manual_seed(6))
    flat = x.double().flatten(2)
    want = (flat @ flat.transpose(1, 2) / 30).reshape(2, 16, 1, 1)
    torch.testing.assert_close(F.global_bilateral_pool2d(x).double(), want, rtol=1e-5, atol=1e-5)
    module = pk.BilateralPool2d()
    assert torch.equal(torch.jit.script(module)(x), module(x))
    windowed = pk.BilateralPool2d(2, layout="packed")
    assert torch.equal(torch.jit.script(windowed)(x), windowed(x))


def test_bilateral_refuses_gradients_and_bad_options():
    x = torch.randn(1, 2, 4, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^poolkit::bilateral_pool2d: x.requires_grad = True"):
        F.bilateral_pool2d(x, 2)
    with pytest.raises(RuntimeError, match=r"^poolkit::global_bilateral_pool2d: layout = 'diagonal'"):
        F.global_bilateral_pool2d(x.detach(), layout="diagonal")
