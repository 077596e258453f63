"""Bad arguments raise RuntimeError with poolkit's message (the operation, the parameter,
its value and the rule); nothing crashes."""
import pytest
import torch

import poolkit_torch.functional as F

X = torch.rand(1, 2, 6, 6)


@pytest.mark.parametrize("call, message", [
    (lambda: F.max_pool2d(X, 0), r"^poolkit::max_pool2d: kernel = \{0, 0\}: every entry must be >= 1"),
    (lambda: F.avg_pool2d(X, 2, 1, 2), r"^poolkit::avg_pool2d: padding = \{2, 2\}: must be smaller than the effective kernel"),
    (lambda: F.max_pool2d(X.half(), 2), r"^poolkit::max_pool2d: x dtype = Half: must be float32 or float64"),
    (lambda: F.max_pool2d(torch.rand(6, 6), 2), r"^poolkit::max_pool2d: x sizes = \[6, 6\]: must have 4 dimensions"),
    (lambda: F.avg_pool2d(X, 2, divisor_override=0), r"^poolkit::avg_pool2d: divisor_override = 0"),
    (lambda: F.lp_pool2d(X, -1.0, 2), r"^poolkit::lp_pool2d: p = -1"),
    (lambda: F.adaptive_avg_pool2d(X, (0, 2)), r"^poolkit::adaptive_avg_pool2d: output_size = \[0, 2\]: every entry must be >= 1"),
    (lambda: F.max_unpool2d(X, torch.full((1, 2, 6, 6), 200, dtype=torch.long), 2),
     r"^poolkit::max_unpool2d: indices\(0, 0, 0, 0\) = 200: must be -1 \(an empty window\) or in \[0, 144\)"),
    (lambda: F.max_unpool2d(X, torch.zeros(1, 2, 6, 6, dtype=torch.int32), 2), r"^poolkit::max_unpool2d: indices dtype = Int: must be int64"),
    (lambda: F.spatial_pyramid_pool2d(X, [1], "median"), r"^poolkit::spatial_pyramid_pool2d: reducer = 'median'"),
    (lambda: torch.ops.poolkit.max_pool2d_backward(torch.rand(1, 2, 3, 3), torch.full((1, 2, 3, 3), 36, dtype=torch.long), [6, 6]),
     r"^poolkit::max_pool2d_backward: indices\(0, 0, 0, 0\) = 36: must be -1"),
    (lambda: torch.ops.poolkit.avg_pool2d_backward(torch.rand(1, 2, 4, 4), [6, 6], [2, 2]),
     r"^poolkit::avg_pool2d_backward: dy extents = \{1, 2, 4, 4\}: must be \{1, 2, 3, 3\}"),
    (lambda: torch.ops.poolkit.fractional_avg_pool2d_backward(torch.rand(1, 1, 2, 2), [6, 6], torch.tensor([0, 3]), torch.tensor([0, 3, 6])),
     r"^poolkit::fractional_avg_pool2d_backward: "),
])
def test_bad_arguments_raise_runtime_error_with_poolkits_message(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_gradients_through_bad_calls_raise_too():
    x = torch.rand(1, 1, 4, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^poolkit::max_pool2d: output size = \{0, 0\}: must be >= 1"):
        F.max_pool2d(x, 5)
