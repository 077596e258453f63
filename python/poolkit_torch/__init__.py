"""poolkit's pooling inside PyTorch.

``import poolkit_torch`` loads the extension (``torch.ops.poolkit``: every operator, with
autograd in C++ so that scripted modules differentiate too) and offers

* ``poolkit_torch.functional``: functional forms with ``torch.nn.functional``'s argument
  names where PyTorch has the operation;
* ``nn.Module`` classes (``MaxPool2d``, ``AvgPool2d``, ``MinPool2d``, ...).

The library is looked for next to this file, or where ``POOLKIT_TORCH_LIBRARY`` points.
"""
import os

import torch


def _load_library() -> str:
    path = os.environ.get("POOLKIT_TORCH_LIBRARY") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "libpoolkit_torch_ops.so")
    if not os.path.exists(path):
        raise ImportError(
            f"poolkit_torch: the extension library {path} is missing; build it with "
            "`cmake --workflow --preset torch` (see the README, 'From PyTorch') and put "
            "build/torch/python/python on PYTHONPATH")
    torch.ops.load_library(path)
    return path


library_path = _load_library()

from . import functional  # noqa: E402  (needs the operators loaded)
from .modules import (  # noqa: E402
    AdaptiveAvgPool2d, AdaptiveMaxPool2d, AdaptiveMinPool2d, AdaptiveSumPool2d, AvgPool2d,
    BilateralPool2d,
    FractionalAvgPool2d, FractionalMaxPool2d, GlobalAvgPool2d, GlobalMaxPool2d, L2Pool2d,
    LPPool2d, MaxPool2d, MaxUnpool2d, MinPool2d, PowerAvgPool2d, SpatialPyramidPool2d,
    StochasticPool2d, SumPool2d)

ops = torch.ops.poolkit

__all__ = [
    "functional", "ops", "library_path", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
    "AdaptiveMinPool2d", "AdaptiveSumPool2d", "AvgPool2d", "BilateralPool2d", "FractionalAvgPool2d",
    "FractionalMaxPool2d", "GlobalAvgPool2d", "GlobalMaxPool2d", "L2Pool2d", "LPPool2d",
    "MaxPool2d", "MaxUnpool2d", "MinPool2d", "PowerAvgPool2d", "SpatialPyramidPool2d",
    "StochasticPool2d", "SumPool2d",
]
