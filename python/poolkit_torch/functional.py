"""Functional forms of poolkit's operations, with ``torch.nn.functional``'s argument names
where PyTorch has the operation. Every function calls ``torch.ops.poolkit.*``, so it works
in ``torch.jit.script`` and differentiates (the operators' autograd is registered in C++).

Inputs are CPU float32/float64 tensors of shape (N, C, H, W) or (C, H, W), in any memory
format; outputs follow the input's memory format (channels_last stays channels_last).
"""
from typing import List, Optional, Tuple

import torch
from torch import Tensor
from torch._jit_internal import BroadcastingList2, boolean_dispatch
from torch.nn.modules.utils import _pair

_ops = torch.ops.poolkit
_max_pool2d_op = torch.ops.poolkit.max_pool2d._op  # eager fast path of max_pool2d


def _stride_of(stride: Optional[List[int]]) -> List[int]:
    """An unset stride: the kernel size (the operators read [] that way)."""
    if stride is None:
        return torch.jit.annotate(List[int], [])
    return stride


# ---- max and min (values, or values and per-plane indices h * W + w) ----

def max_pool2d_with_indices(input: Tensor, kernel_size: BroadcastingList2[int],
                            stride: Optional[BroadcastingList2[int]] = None,
                            padding: BroadcastingList2[int] = 0,
                            dilation: BroadcastingList2[int] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> Tuple[Tensor, Tensor]:
    return _ops.max_pool2d_with_indices(input, kernel_size, _stride_of(stride), padding,
                                        dilation, ceil_mode)


def _max_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
                stride: Optional[BroadcastingList2[int]] = None,
                padding: BroadcastingList2[int] = 0, dilation: BroadcastingList2[int] = 1,
                ceil_mode: bool = False, return_indices: bool = False) -> Tensor:
    # The per-call overhead users time: the unset stride inline, and in eager mode the
    # operator's own callable (the packet's Python __call__ costs a tenth of a call).
    step = torch.jit.annotate(List[int], []) if stride is None else stride
    if not torch.jit.is_scripting():
        return _max_pool2d_op(input, kernel_size, step, padding, dilation, ceil_mode)
    return _ops.max_pool2d(input, kernel_size, step, padding, dilation, ceil_mode)


max_pool2d = boolean_dispatch(arg_name="return_indices", arg_index=6, default=False,
                              if_true=max_pool2d_with_indices, if_false=_max_pool2d,
                              module_name=__name__, func_name="max_pool2d")
max_pool2d.__doc__ = """Max pooling, as torch.nn.functional.max_pool2d (the same bits)."""


def min_pool2d_with_indices(input: Tensor, kernel_size: BroadcastingList2[int],
                            stride: Optional[BroadcastingList2[int]] = None,
                            padding: BroadcastingList2[int] = 0,
                            dilation: BroadcastingList2[int] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> Tuple[Tensor, Tensor]:
    return _ops.min_pool2d_with_indices(input, kernel_size, _stride_of(stride), padding,
                                        dilation, ceil_mode)


def _min_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
                stride: Optional[BroadcastingList2[int]] = None,
                padding: BroadcastingList2[int] = 0, dilation: BroadcastingList2[int] = 1,
                ceil_mode: bool = False, return_indices: bool = False) -> Tensor:
    return _ops.min_pool2d(input, kernel_size, _stride_of(stride), padding, dilation, ceil_mode)


min_pool2d = boolean_dispatch(arg_name="return_indices", arg_index=6, default=False,
                              if_true=min_pool2d_with_indices, if_false=_min_pool2d,
                              module_name=__name__, func_name="min_pool2d")
min_pool2d.__doc__ = """Min pooling: -max_pool2d(-x) in one pass (empty window: +inf)."""


# ---- averages and sums ----

def avg_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
               stride: Optional[BroadcastingList2[int]] = None,
               padding: BroadcastingList2[int] = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: Optional[int] = None,
               dilation: BroadcastingList2[int] = 1) -> Tensor:
    """Average pooling, as torch.nn.functional.avg_pool2d (the same bits); also dilated."""
    return _ops.avg_pool2d(input, kernel_size, _stride_of(stride), padding, dilation, ceil_mode,
                           count_include_pad, divisor_override)


def sum_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
               stride: Optional[BroadcastingList2[int]] = None,
               padding: BroadcastingList2[int] = 0, ceil_mode: bool = False,
               dilation: BroadcastingList2[int] = 1) -> Tensor:
    """Sum of each window's in-bounds taps (avg_pool2d with divisor_override=1)."""
    return _ops.sum_pool2d(input, kernel_size, _stride_of(stride), padding, dilation, ceil_mode)


# ---- the power family (sums |x|^p, see the README's Semantics) ----

def l2_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
              stride: Optional[BroadcastingList2[int]] = None,
              padding: BroadcastingList2[int] = 0, ceil_mode: bool = False,
              dilation: BroadcastingList2[int] = 1) -> Tensor:
    """sqrt(sum x^2) over each window."""
    return _ops.l2_pool2d(input, kernel_size, _stride_of(stride), padding, dilation, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: BroadcastingList2[int],
              stride: Optional[BroadcastingList2[int]] = None, ceil_mode: bool = False,
              padding: BroadcastingList2[int] = 0,
              dilation: BroadcastingList2[int] = 1) -> Tensor:
    """(sum |x|^p)^(1/p); PyTorch's lp_pool2d sums x^p (equal for x >= 0)."""
    return _ops.lp_pool2d(input, float(norm_type), kernel_size, _stride_of(stride), padding,
                          dilation, ceil_mode)


def power_avg_pool2d(input: Tensor, norm_type: float, kernel_size: BroadcastingList2[int],
                     stride: Optional[BroadcastingList2[int]] = None,
                     padding: BroadcastingList2[int] = 0, ceil_mode: bool = False,
                     count_include_pad: bool = True, divisor_override: Optional[int] = None,
                     dilation: BroadcastingList2[int] = 1) -> Tensor:
    """(sum |x|^p / divisor)^(1/p), avg_pool2d's divisor rule."""
    return _ops.power_avg_pool2d(input, float(norm_type), kernel_size, _stride_of(stride),
                                 padding, dilation, ceil_mode, count_include_pad, divisor_override)


# ---- adaptive and global ----

def adaptive_max_pool2d_with_indices(input: Tensor, output_size: BroadcastingList2[int],
                                     return_indices: bool = True) -> Tuple[Tensor, Tensor]:
    return _ops.adaptive_max_pool2d_with_indices(input, output_size)


def _adaptive_max_pool2d(input: Tensor, output_size: BroadcastingList2[int],
                         return_indices: bool = False) -> Tensor:
    return _ops.adaptive_max_pool2d(input, output_size)


adaptive_max_pool2d = boolean_dispatch(arg_name="return_indices", arg_index=2, default=False,
                                       if_true=adaptive_max_pool2d_with_indices,
                                       if_false=_adaptive_max_pool2d, module_name=__name__,
                                       func_name="adaptive_max_pool2d")
adaptive_max_pool2d.__doc__ = """Adaptive max pooling, as torch.nn.functional's (same bits)."""


def adaptive_avg_pool2d(input: Tensor, output_size: BroadcastingList2[int]) -> Tensor:
    """PyTorch's bins; divides once by the bin size (PyTorch: by height, then width)."""
    return _ops.adaptive_avg_pool2d(input, output_size)


def adaptive_min_pool2d(input: Tensor, output_size: BroadcastingList2[int]) -> Tensor:
    return _ops.adaptive_min_pool2d(input, output_size)


def adaptive_sum_pool2d(input: Tensor, output_size: BroadcastingList2[int]) -> Tensor:
    return _ops.adaptive_sum_pool2d(input, output_size)


def global_max_pool2d(input: Tensor) -> Tensor:
    return _ops.global_max_pool2d(input)


def global_min_pool2d(input: Tensor) -> Tensor:
    return _ops.global_min_pool2d(input)


def global_sum_pool2d(input: Tensor) -> Tensor:
    return _ops.global_sum_pool2d(input)


def global_avg_pool2d(input: Tensor) -> Tensor:
    """One value per plane, (N, C, 1, 1); sums in one fixed order on every CPU."""
    return _ops.global_avg_pool2d(input)


def spatial_pyramid_pool2d(input: Tensor, levels: Optional[List[int]] = None,
                           reducer: str = "max", rule: str = "adaptive") -> Tensor:
    """(N, C * sum n^2, 1, 1): per level n an n x n grid of bins (rule 'adaptive', 'paper'
    or 'caffe'), reducer 'max', 'min', 'sum' or 'avg'. Forward only."""
    if levels is None:
        levels = [1, 2, 4]
    return _ops.spatial_pyramid_pool2d(input, levels, reducer, rule)


# ---- stochastic and fractional ----

def stochastic_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
                      stride: Optional[BroadcastingList2[int]] = None,
                      padding: BroadcastingList2[int] = 0, training: bool = True,
                      seed: int = 0) -> Tuple[Tensor, Tensor]:
    """Zeiler & Fergus: training draws one tap with probability x / sum x (indices say which;
    the gradient goes there); inference gives sum x^2 / sum x (indices empty). Reproducible:
    the same seed gives the same draws on every CPU and thread count."""
    return _ops.stochastic_pool2d(input, kernel_size, _stride_of(stride), padding, 1, False,
                                  True, None, torch.jit.annotate(List[int], []), training, seed)


def _fractional_output_size(input: Tensor, output_size: Optional[List[int]],
                            output_ratio: Optional[List[float]]) -> List[int]:
    if output_size is not None:
        return output_size
    if output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or an "
                         "output_ratio")
    return [int(input.size(-2) * output_ratio[0]), int(input.size(-1) * output_ratio[1])]


def fractional_max_pool2d_with_indices(
        input: Tensor, kernel_size: BroadcastingList2[int],
        output_size: Optional[BroadcastingList2[int]] = None,
        output_ratio: Optional[BroadcastingList2[float]] = None, return_indices: bool = True,
        _random_samples: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
    size = _fractional_output_size(input, output_size, output_ratio)
    samples = _random_samples
    if samples is None:
        batch = 1 if input.dim() == 3 else input.size(0)
        samples = torch.rand(batch, input.size(-3), 2, dtype=input.dtype, device=input.device)
    return _ops.fractional_max_pool2d(input, kernel_size, size, samples)


def _fractional_max_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
                           output_size: Optional[BroadcastingList2[int]] = None,
                           output_ratio: Optional[BroadcastingList2[float]] = None,
                           return_indices: bool = False,
                           _random_samples: Optional[Tensor] = None) -> Tensor:
    return fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                              True, _random_samples)[0]


fractional_max_pool2d = boolean_dispatch(
    arg_name="return_indices", arg_index=4, default=False,
    if_true=fractional_max_pool2d_with_indices, if_false=_fractional_max_pool2d,
    module_name=__name__, func_name="fractional_max_pool2d")
fractional_max_pool2d.__doc__ = """PyTorch's fractional max pooling, bit-exact for the same
_random_samples (drawn from torch's generator when not given, as PyTorch does)."""


def fractional_max_pool2d_ratio(input: Tensor, pooling_ratio: BroadcastingList2[float],
                                pseudo_random: bool = False, overlapping: bool = False,
                                seed: int = 0, row_sequence: Optional[Tensor] = None,
                                col_sequence: Optional[Tensor] = None
                                ) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    """Graham's (TensorFlow's) fractional max pooling: (values, indices, row_sequence,
    col_sequence); pass the sequences back to pool the same regions."""
    return _ops.fractional_max_pool2d_ratio(input, pooling_ratio, pseudo_random, overlapping,
                                            seed, row_sequence, col_sequence)


def _ratio_max_with_indices(input: Tensor, pooling_ratio: BroadcastingList2[float],
                            pseudo_random: bool = False, overlapping: bool = False, seed: int = 0,
                            return_indices: bool = True) -> Tuple[Tensor, Tensor]:
    out = _ops.fractional_max_pool2d_ratio(input, pooling_ratio, pseudo_random, overlapping, seed,
                                           None, None)
    return out[0], out[1]


def _ratio_max_values(input: Tensor, pooling_ratio: BroadcastingList2[float],
                      pseudo_random: bool = False, overlapping: bool = False, seed: int = 0,
                      return_indices: bool = False) -> Tensor:
    return _ops.fractional_max_pool2d_ratio(input, pooling_ratio, pseudo_random, overlapping, seed,
                                            None, None)[0]


# The module form of the ratio family: values, or values and indices (return_indices).
fractional_max_pool2d_ratio_values = boolean_dispatch(
    arg_name="return_indices", arg_index=5, default=False, if_true=_ratio_max_with_indices,
    if_false=_ratio_max_values, module_name=__name__,
    func_name="fractional_max_pool2d_ratio_values")


def fractional_avg_pool2d(input: Tensor, pooling_ratio: BroadcastingList2[float],
                          pseudo_random: bool = False, overlapping: bool = False, seed: int = 0,
                          row_sequence: Optional[Tensor] = None,
                          col_sequence: Optional[Tensor] = None) -> Tuple[Tensor, Tensor, Tensor]:
    """Graham's (TensorFlow's) fractional average pooling: (values, row_sequence,
    col_sequence)."""
    return _ops.fractional_avg_pool2d_ratio(input, pooling_ratio, pseudo_random, overlapping,
                                            seed, row_sequence, col_sequence)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: BroadcastingList2[int],
                 stride: Optional[BroadcastingList2[int]] = None,
                 padding: BroadcastingList2[int] = 0,
                 output_size: Optional[List[int]] = None) -> Tensor:
    """Scatter back, zeros elsewhere, as torch.nn.functional.max_unpool2d; repeated indices
    keep the last value in row-major order."""
    kernel = _pair(kernel_size)
    pad = _pair(padding)
    step = kernel if stride is None else _pair(stride)
    if output_size is not None:
        size = output_size[-2:]
    else:
        size = [(input.size(-2) - 1) * step[0] - 2 * pad[0] + kernel[0],
                (input.size(-1) - 1) * step[1] - 2 * pad[1] + kernel[1]]
    return _ops.max_unpool2d(input, indices, size)


# ---- bilateral (second-order) pooling: forward only; present when the extension was
# built with Eigen (torch.ops.poolkit.bilateral_pool2d exists) ----

def bilateral_pool2d(input: Tensor, kernel_size: BroadcastingList2[int],
                     stride: Optional[BroadcastingList2[int]] = None,
                     padding: BroadcastingList2[int] = 0, dilation: BroadcastingList2[int] = 1,
                     ceil_mode: bool = False, layout: str = "full", weights: str = "uniform",
                     sigma: float = 1.0, custom_weights: Optional[List[float]] = None,
                     sigma_r: Optional[float] = None, centering: bool = False,
                     signed_sqrt: bool = False, l2_normalize: bool = False) -> Tensor:
    """Per window the C x C matrix sum w^2 x x^T / sum w^2 (SPEC section 7): output
    (N, C*C, OH, OW), or (N, C(C+1)/2, OH, OW) with layout='packed'; weights 'uniform',
    'gaussian' (sigma, in pixels) or 'custom' (custom_weights, kh*kw values); sigma_r adds
    the range term; centering, signed_sqrt and l2_normalize as B-CNN. Forward only."""
    extra = torch.jit.annotate(List[float], []) if custom_weights is None else custom_weights
    return _ops.bilateral_pool2d(input, kernel_size, _stride_of(stride), padding, dilation,
                                 ceil_mode, True, None, torch.jit.annotate(List[int], []), layout,
                                 weights, sigma, extra, sigma_r, centering, signed_sqrt,
                                 l2_normalize)


def global_bilateral_pool2d(input: Tensor, layout: str = "full", weights: str = "uniform",
                            sigma: float = 1.0, custom_weights: Optional[List[float]] = None,
                            sigma_r: Optional[float] = None, centering: bool = False,
                            signed_sqrt: bool = False, l2_normalize: bool = False) -> Tensor:
    """Bilinear / second-order pooling of each whole plane: X^T X / HW, (N, C*C, 1, 1)."""
    extra = torch.jit.annotate(List[float], []) if custom_weights is None else custom_weights
    return _ops.global_bilateral_pool2d(input, layout, weights, sigma, extra, sigma_r, centering,
                                        signed_sqrt, l2_normalize)
