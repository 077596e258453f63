"""nn.Module forms of poolkit's operations, named and parametrised like torch.nn's pooling
modules where PyTorch has one. Every module works in torch.jit.script."""
from typing import List, Optional, Tuple

import torch
from torch import Tensor, nn
from torch.nn.modules.utils import _pair

from . import functional as F


class _WindowPool(nn.Module):
    """The options of a regular window, kept as PyTorch's pooling modules keep them."""
    __constants__ = ["kernel_size", "stride", "padding", "dilation", "ceil_mode"]

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        super().__init__()
        self.kernel_size: List[int] = list(_pair(kernel_size))
        self.stride: List[int] = list(_pair(stride if stride is not None else kernel_size))
        self.padding: List[int] = list(_pair(padding))
        self.dilation: List[int] = list(_pair(dilation))
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_WindowPool):
    """torch.nn.MaxPool2d's arguments and results (the same bits), poolkit's kernels."""
    __constants__ = _WindowPool.__constants__ + ["return_indices"]

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, padding, dilation, ceil_mode)
        self.return_indices = return_indices

    def forward(self, input: Tensor):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MinPool2d(MaxPool2d):
    """The minimum of each window (PyTorch: -MaxPool2d(-x))."""

    def forward(self, input: Tensor):
        return F.min_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool2d(_WindowPool):
    """torch.nn.AvgPool2d's arguments and results (the same bits); also dilated."""
    __constants__ = _WindowPool.__constants__ + ["count_include_pad", "divisor_override"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override: Optional[int] = None, dilation=1):
        super().__init__(kernel_size, stride, padding, dilation, ceil_mode)
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override, self.dilation)


class SumPool2d(_WindowPool):
    """The sum of each window's in-bounds taps."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, dilation=1):
        super().__init__(kernel_size, stride, padding, dilation, ceil_mode)

    def forward(self, input: Tensor) -> Tensor:
        return F.sum_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.dilation)


class L2Pool2d(_WindowPool):
    """sqrt(sum x^2) over each window."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, dilation=1):
        super().__init__(kernel_size, stride, padding, dilation, ceil_mode)

    def forward(self, input: Tensor) -> Tensor:
        return F.l2_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                           self.dilation)


class LPPool2d(_WindowPool):
    """torch.nn.LPPool2d's arguments; sums |x|^p (PyTorch: x^p; equal for x >= 0)."""
    __constants__ = _WindowPool.__constants__ + ["norm_type"]

    def __init__(self, norm_type: float, kernel_size, stride=None, ceil_mode=False, padding=0,
                 dilation=1):
        super().__init__(kernel_size, stride, padding, dilation, ceil_mode)
        self.norm_type = float(norm_type)

    def forward(self, input: Tensor) -> Tensor:
        return F.lp_pool2d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode,
                           self.padding, self.dilation)


class PowerAvgPool2d(AvgPool2d):
    """(sum |x|^p / divisor)^(1/p), AvgPool2d's divisor rule."""
    __constants__ = AvgPool2d.__constants__ + ["norm_type"]

    def __init__(self, norm_type: float, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override: Optional[int] = None, dilation=1):
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad,
                         divisor_override, dilation)
        self.norm_type = float(norm_type)

    def forward(self, input: Tensor) -> Tensor:
        return F.power_avg_pool2d(input, self.norm_type, self.kernel_size, self.stride,
                                  self.padding, self.ceil_mode, self.count_include_pad,
                                  self.divisor_override, self.dilation)


class _AdaptivePool(nn.Module):
    __constants__ = ["output_size"]

    def __init__(self, output_size):
        super().__init__()
        self.output_size: List[int] = list(_pair(output_size))

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(_AdaptivePool):
    """torch.nn.AdaptiveMaxPool2d (the same bits)."""
    __constants__ = _AdaptivePool.__constants__ + ["return_indices"]

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveAvgPool2d(_AdaptivePool):
    """torch.nn.AdaptiveAvgPool2d's bins (one division by the bin size)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMinPool2d(_AdaptivePool):
    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_min_pool2d(input, self.output_size)


class AdaptiveSumPool2d(_AdaptivePool):
    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_sum_pool2d(input, self.output_size)


class GlobalAvgPool2d(nn.Module):
    """(N, C, 1, 1) means, summed in one fixed order on every CPU."""

    def forward(self, input: Tensor) -> Tensor:
        return F.global_avg_pool2d(input)


class GlobalMaxPool2d(nn.Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.global_max_pool2d(input)


class SpatialPyramidPool2d(nn.Module):
    """He et al.'s spatial pyramid: (N, C * sum n^2) features per sample (flattened), for
    any input size. Forward only."""
    __constants__ = ["levels", "reducer", "rule"]

    def __init__(self, levels: Optional[List[int]] = None, reducer: str = "max",
                 rule: str = "adaptive"):
        super().__init__()
        self.levels: List[int] = list(levels) if levels is not None else [1, 2, 4]
        self.reducer = reducer
        self.rule = rule

    def forward(self, input: Tensor) -> Tensor:
        return F.spatial_pyramid_pool2d(input, self.levels, self.reducer, self.rule).flatten(-3)


class StochasticPool2d(_WindowPool):
    """Zeiler & Fergus stochastic pooling. In training (module.training) each call draws
    with its own seed: `seed` + the number of earlier training calls, kept in the buffer
    `calls` (saved with the state dict; DistributedDataParallel broadcasts it), so that a run
    is reproducible. In eval mode: the probability-weighted average, deterministic."""
    __constants__ = _WindowPool.__constants__ + ["seed"]

    def __init__(self, kernel_size, stride=None, padding=0, seed: int = 0):
        super().__init__(kernel_size, stride, padding)
        self.seed = seed
        self.register_buffer("calls", torch.zeros((), dtype=torch.int64))

    def forward(self, input: Tensor) -> Tensor:
        if self.training:
            seed = self.seed + int(self.calls.item())
            self.calls.add_(1)
            return F.stochastic_pool2d(input, self.kernel_size, self.stride, self.padding, True,
                                       seed)[0]
        return F.stochastic_pool2d(input, self.kernel_size, self.stride, self.padding, False,
                                   self.seed)[0]


class FractionalMaxPool2d(nn.Module):
    """Fractional max pooling, both families.

    PyTorch's (Graham's kernel form, as torch.nn.FractionalMaxPool2d, the same bits for the
    same ``_random_samples``): ``FractionalMaxPool2d(kernel_size, output_size=...)`` or
    ``output_ratio=...``. TensorFlow's (pooling ratio, sequences):
    ``FractionalMaxPool2d(pooling_ratio=(1.44, 1.73), pseudo_random=..., overlapping=...,
    seed=...)``, whose seed advances per training call as StochasticPool2d's does."""
    __constants__ = ["kernel_size", "output_size", "output_ratio", "return_indices",
                     "pooling_ratio", "pseudo_random", "overlapping", "seed", "ratio_family"]

    def __init__(self, kernel_size=None, output_size=None, output_ratio=None,
                 return_indices=False, _random_samples=None, *, pooling_ratio=None,
                 pseudo_random=False, overlapping=False, seed: int = 0):
        super().__init__()
        self.ratio_family = pooling_ratio is not None
        if not self.ratio_family and kernel_size is None:
            raise ValueError("FractionalMaxPool2d needs kernel_size (PyTorch's family) or "
                             "pooling_ratio (TensorFlow's family)")
        if not self.ratio_family and output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d requires specifying either an output size, "
                             "or a pooling ratio")
        self.kernel_size: List[int] = list(_pair(kernel_size if kernel_size is not None else 1))
        self.output_size: Optional[List[int]] = (list(_pair(output_size))
                                                 if output_size is not None else None)
        self.output_ratio: Optional[List[float]] = (list(_pair(output_ratio))
                                                    if output_ratio is not None else None)
        self.return_indices = return_indices
        self.pooling_ratio: List[float] = [float(r) for r in _pair(
            pooling_ratio if pooling_ratio is not None else 1.0)]
        self.pseudo_random = pseudo_random
        self.overlapping = overlapping
        self.seed = seed
        self.register_buffer("_random_samples", _random_samples)
        self.register_buffer("calls", torch.zeros((), dtype=torch.int64))

    def forward(self, input: Tensor):
        # Values, or values and indices with return_indices (a constant, so that scripting
        # sees one return type), as torch.nn.FractionalMaxPool2d.
        if self.ratio_family:
            seed = self.seed + int(self.calls.item())
            if self.training:
                self.calls.add_(1)
            return F.fractional_max_pool2d_ratio_values(input, self.pooling_ratio,
                                                        self.pseudo_random, self.overlapping,
                                                        seed, self.return_indices)
        return F.fractional_max_pool2d(input, self.kernel_size, self.output_size,
                                       self.output_ratio, self.return_indices,
                                       _random_samples=self._random_samples)


class FractionalAvgPool2d(nn.Module):
    """TensorFlow's fractional average pooling (Graham's sequences); the seed advances per
    training call as StochasticPool2d's does."""
    __constants__ = ["pooling_ratio", "pseudo_random", "overlapping", "seed"]

    def __init__(self, pooling_ratio, pseudo_random=False, overlapping=False, seed: int = 0):
        super().__init__()
        self.pooling_ratio: List[float] = [float(r) for r in _pair(pooling_ratio)]
        self.pseudo_random = pseudo_random
        self.overlapping = overlapping
        self.seed = seed
        self.register_buffer("calls", torch.zeros((), dtype=torch.int64))

    def forward(self, input: Tensor) -> Tensor:
        seed = self.seed + int(self.calls.item())
        if self.training:
            self.calls.add_(1)
        return F.fractional_avg_pool2d(input, self.pooling_ratio, self.pseudo_random,
                                       self.overlapping, seed)[0]


class MaxUnpool2d(_WindowPool):
    """torch.nn.MaxUnpool2d."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__(kernel_size, stride, padding)

    def forward(self, input: Tensor, indices: Tensor,
                output_size: Optional[List[int]] = None) -> Tensor:
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class BilateralPool2d(nn.Module):
    """Bilateral (second-order) pooling: per window (or, without kernel_size, per plane) the
    C x C matrix of weighted products, flattened into channels. Forward only (poolkit has no
    backward pass for it). Options as functional.bilateral_pool2d."""
    __constants__ = ["kernel_size", "stride", "padding", "dilation", "layout", "weights", "sigma",
                     "custom_weights", "sigma_r", "centering", "signed_sqrt", "l2_normalize",
                     "is_global"]

    def __init__(self, kernel_size=None, stride=None, padding=0, dilation=1, layout="full",
                 weights="uniform", sigma: float = 1.0, custom_weights: Optional[List[float]] = None,
                 sigma_r: Optional[float] = None, centering=False, signed_sqrt=False,
                 l2_normalize=False):
        super().__init__()
        self.is_global = kernel_size is None
        k = kernel_size if kernel_size is not None else 1
        self.kernel_size: List[int] = list(_pair(k))
        self.stride: List[int] = list(_pair(stride if stride is not None else k))
        self.padding: List[int] = list(_pair(padding))
        self.dilation: List[int] = list(_pair(dilation))
        self.layout = layout
        self.weights = weights
        self.sigma = float(sigma)
        self.custom_weights: List[float] = [float(v) for v in (custom_weights or [])]
        self.sigma_r = sigma_r
        self.centering = centering
        self.signed_sqrt = signed_sqrt
        self.l2_normalize = l2_normalize

    def forward(self, input: Tensor) -> Tensor:
        if self.is_global:
            return F.global_bilateral_pool2d(input, self.layout, self.weights, self.sigma,
                                             self.custom_weights, self.sigma_r, self.centering,
                                             self.signed_sqrt, self.l2_normalize)
        return F.bilateral_pool2d(input, self.kernel_size, self.stride, self.padding,
                                  self.dilation, False, self.layout, self.weights, self.sigma,
                                  self.custom_weights, self.sigma_r, self.centering,
                                  self.signed_sqrt, self.l2_normalize)
