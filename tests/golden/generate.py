#!/usr/bin/python3
"""Regenerates the PyTorch golden files the tests compare against.

Needs Debian's python3-torch (PyTorch 1.13): apt-get install -y python3-torch
Run from anywhere:  /usr/bin/python3 tests/golden/generate.py

Each file holds many cases in a plain text format the C++ test reads without any
library (see tests/golden_reader.hpp):

    case <op> <dtype>
    params kh kw sh sw ph pw dh dw ceil count_include_pad divisor_override(0 = none)
    input N C H W
    <N*C*H*W values>
    output N C OH OW
    <values>
    [indices
    <int64 values>]
    [grad N C OH OW          backward.txt: the gradient dy fed to autograd
    <values>
    dx N C H W               and the gradient autograd returned for the input
    <values>]
    end

Values are printed with enough digits to round-trip exactly (9 for float32, 17 for
float64), so the tests compare bit for bit where PyTorch is exact.
The random cases are seeded: rerunning the script rewrites identical files.
"""
import os
import random

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(t):
    if t.dtype == torch.float32:
        return " ".join("%.9g" % v for v in t.flatten().tolist())
    if t.dtype == torch.float64:
        return " ".join("%.17g" % v for v in t.flatten().tolist())
    return " ".join(str(v) for v in t.flatten().tolist())


def out_size(n, k, s, p, d, ceil):
    eff = d * (k - 1) + 1
    num = n + 2 * p - eff + (s - 1 if ceil else 0)
    o = num // s + 1
    if ceil and (o - 1) * s >= n + p:
        o -= 1
    return o


def has_empty_window(n, k, s, p, d, out):
    """Whether a window along one axis has no tap inside the input (a dilated window over
    padding): there PyTorch's max reports a position outside the window, SPEC index -1."""
    return any(all(not 0 <= o * s - p + t * d < n for t in range(k)) for o in range(out))


def random_input(rng, shape, dtype, special):
    n = shape[0] * shape[1] * shape[2] * shape[3]
    kind = rng.random()
    if kind < 0.3:
        # Few distinct values: exercises ties (the first maximum wins).
        vals = [float(rng.randint(-3, 3)) for _ in range(n)]
    else:
        vals = [rng.uniform(-100.0, 100.0) for _ in range(n)]
    if special:
        for _ in range(max(1, n // 10)):
            vals[rng.randrange(n)] = rng.choice([float("nan"), float("inf"), float("-inf")])
    return torch.tensor(vals, dtype=dtype).reshape(shape)


def write_case(f, op, x, params, y, idx=None, dy=None, dx=None):
    dtype = "float32" if x.dtype == torch.float32 else "float64"
    f.write("case %s %s\n" % (op, dtype))
    f.write("params %s\n" % " ".join(str(int(v)) for v in params))
    f.write("input %s\n%s\n" % (" ".join(map(str, x.shape)), fmt(x)))
    f.write("output %s\n%s\n" % (" ".join(map(str, y.shape)), fmt(y)))
    if idx is not None:
        f.write("indices\n%s\n" % fmt(idx))
    if dy is not None:
        f.write("grad %s\n%s\n" % (" ".join(map(str, dy.shape)), fmt(dy)))
        f.write("dx %s\n%s\n" % (" ".join(map(str, dx.shape)), fmt(dx)))
    f.write("end\n")


def max_cases(f, rng, count):
    written = 0
    while written < count:
        dtype = torch.float64 if rng.random() < 0.15 else torch.float32
        N, C = rng.randint(1, 2), rng.randint(1, 3)
        H, W = rng.randint(1, 12), rng.randint(1, 12)
        kh, kw = rng.randint(1, 4), rng.randint(1, 4)
        sh, sw = rng.randint(1, 3), rng.randint(1, 3)
        dh, dw = rng.randint(1, 3), rng.randint(1, 3)
        # PyTorch 1.13 requires padding <= kernel / 2 (the undilated kernel).
        ph, pw = rng.randint(0, kh // 2), rng.randint(0, kw // 2)
        ceil = rng.random() < 0.5
        if out_size(H, kh, sh, ph, dh, ceil) < 1 or out_size(W, kw, sw, pw, dw, ceil) < 1:
            continue
        x = random_input(rng, (N, C, H, W), dtype, special=rng.random() < 0.2)
        y, idx = F.max_pool2d(x, (kh, kw), (sh, sw), (ph, pw), (dh, dw), ceil_mode=ceil,
                              return_indices=True)
        write_case(f, "max_pool2d_with_indices", x,
                   [kh, kw, sh, sw, ph, pw, dh, dw, ceil, 1, 0], y, idx)
        written += 1


def avg_cases(f, rng, count):
    written = 0
    while written < count:
        dtype = torch.float64 if rng.random() < 0.15 else torch.float32
        N, C = rng.randint(1, 2), rng.randint(1, 3)
        H, W = rng.randint(1, 12), rng.randint(1, 12)
        kh, kw = rng.randint(1, 5), rng.randint(1, 5)
        sh, sw = rng.randint(1, 3), rng.randint(1, 3)
        ph, pw = rng.randint(0, kh // 2), rng.randint(0, kw // 2)
        ceil = rng.random() < 0.5
        include_pad = rng.random() < 0.5
        divisor = rng.choice([0, 0, 0, 1, 2, 3, 7])
        if out_size(H, kh, sh, ph, 1, ceil) < 1 or out_size(W, kw, sw, pw, 1, ceil) < 1:
            continue
        x = random_input(rng, (N, C, H, W), dtype, special=False)
        y = F.avg_pool2d(x, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil,
                         count_include_pad=include_pad,
                         divisor_override=divisor if divisor else None)
        write_case(f, "avg_pool2d", x,
                   [kh, kw, sh, sw, ph, pw, 1, 1, ceil, include_pad, divisor], y)
        written += 1


def lp_cases(f, rng, count, signed=False):
    """PyTorch's lp_pool2d where its definition and SPEC's agree, without ceil mode (where
    it scales edge windows by the full kernel size) or padding: on non-negative inputs
    (it raises x, not |x|, to p) for any p, or, with `signed`, on inputs of both signs
    with an even p (2, 4, 6), where x^p is |x|^p; p = 2 is also poolkit's l2_pool2d."""
    written = 0
    while written < count:
        dtype = torch.float64 if rng.random() < (0.25 if signed else 0.2) else torch.float32
        N, C = rng.randint(1, 2), rng.randint(1, 3)
        H, W = rng.randint(1, 12), rng.randint(1, 12)
        kh, kw = rng.randint(1, 4), rng.randint(1, 4)
        sh, sw = rng.randint(1, 3), rng.randint(1, 3)
        p = rng.choice([2.0, 2.0, 4.0, 6.0] if signed else [1.0, 2.0, 3.0, 4.0, 1.5, 2.5, 6.0])
        if out_size(H, kh, sh, 0, 1, False) < 1 or out_size(W, kw, sw, 0, 1, False) < 1:
            continue
        x = random_input(rng, (N, C, H, W), dtype, special=False)
        if not signed:
            x = x.abs()
        y = F.lp_pool2d(x, p, (kh, kw), (sh, sw))
        f.write("power %r\n" % p)
        write_case(f, "lp_pool2d_signed" if signed else "lp_pool2d", x,
                   [kh, kw, sh, sw, 0, 0, 1, 1, 0, 1, 0], y)
        written += 1


def adaptive_cases(f, rng, count, op):
    written = 0
    while written < count:
        dtype = torch.float64 if rng.random() < 0.15 else torch.float32
        N, C = rng.randint(1, 2), rng.randint(1, 3)
        H, W = rng.randint(1, 13), rng.randint(1, 13)
        # Output sizes below, equal to and above the input, divisible or not.
        OH, OW = rng.randint(1, H + 3), rng.randint(1, W + 3)
        special = op == "max" and rng.random() < 0.2
        x = random_input(rng, (N, C, H, W), dtype, special=special)
        zero = [0] * 11
        if op == "max":
            y, idx = F.adaptive_max_pool2d(x, (OH, OW), return_indices=True)
            write_case(f, "adaptive_max_pool2d_with_indices", x, zero, y, idx)
        else:
            y = F.adaptive_avg_pool2d(x, (OH, OW))
            write_case(f, "adaptive_avg_pool2d", x, zero, y)
        written += 1


def fractional_cases(f, rng, count):
    """F.fractional_max_pool2d with given _random_samples: a "samples" line (N*C*2 values,
    PyTorch's N x C x 2 order) and, for some cases, a "ratio" line (output_ratio instead
    of output_size) precede the case; params hold the kernel."""
    written = 0
    while written < count:
        dtype = torch.float64 if rng.random() < 0.25 else torch.float32
        N, C = rng.randint(1, 2), rng.randint(1, 3)
        H, W = rng.randint(1, 24), rng.randint(1, 24)
        kh, kw = rng.randint(1, 4), rng.randint(1, 4)
        if kh > H or kw > W:
            continue
        x = random_input(rng, (N, C, H, W), dtype, special=rng.random() < 0.2)
        u = torch.tensor([rng.random() for _ in range(N * C * 2)], dtype=dtype)
        if rng.random() < 0.2:
            u[rng.randrange(N * C * 2)] = 0.0  # the lower end of [0, 1)
        u = u.reshape(N, C, 2)
        if rng.random() < 0.3:
            ratio = (rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95))
            OH, OW = int(H * ratio[0]), int(W * ratio[1])
            if OH < 1 or OW < 1 or OH + kh - 1 > H or OW + kw - 1 > W:
                continue
            y, idx = F.fractional_max_pool2d(x, (kh, kw), output_ratio=ratio,
                                             return_indices=True, _random_samples=u)
            f.write("ratio %r %r\n" % ratio)
        else:
            OH, OW = rng.randint(1, H - kh + 1), rng.randint(1, W - kw + 1)
            y, idx = F.fractional_max_pool2d(x, (kh, kw), output_size=(OH, OW),
                                             return_indices=True, _random_samples=u)
        f.write("samples %s\n" % fmt(u))
        write_case(f, "fractional_max_pool2d", x, [kh, kw] + [0] * 9, y, idx)
        written += 1


def unpool_cases(f, rng, count):
    """F.max_unpool2d of F.max_pool2d's values and indices: kernel, stride (often not the
    kernel), padding; the default output size or a given one (a "size" line precedes the
    case: 0 0 for the default). Input values are distinct, so the indices say which
    element won without ties."""
    written = 0
    while written < count:
        dtype = torch.float64 if rng.random() < 0.2 else torch.float32
        N, C = rng.randint(1, 2), rng.randint(1, 3)
        H, W = rng.randint(1, 12), rng.randint(1, 12)
        kh, kw = rng.randint(1, 4), rng.randint(1, 4)
        sh, sw = rng.randint(1, 4), rng.randint(1, 4)
        ph, pw = rng.randint(0, kh // 2), rng.randint(0, kw // 2)
        if out_size(H, kh, sh, ph, 1, False) < 1 or out_size(W, kw, sw, pw, 1, False) < 1:
            continue
        n = N * C * H * W
        vals = rng.sample(range(-10 * n, 10 * n), n)
        x = torch.tensor([v / 8.0 for v in vals], dtype=dtype).reshape(N, C, H, W)
        v, idx = F.max_pool2d(x, (kh, kw), (sh, sw), (ph, pw), return_indices=True)
        default = ((v.shape[2] - 1) * sh - 2 * ph + kh, (v.shape[3] - 1) * sw - 2 * pw + kw)
        size = (0, 0)
        if rng.random() < 0.5:
            # PyTorch accepts sizes from the default up to default + stride - 1; the
            # indices must fit the plane, which any size at least H x W guarantees.
            size = (max(default[0], H) + rng.randint(0, sh - 1), max(default[1], W) + rng.randint(0, sw - 1))
            if size[0] >= default[0] + sh or size[1] >= default[1] + sw:
                continue
        if size == (0, 0) and (default[0] * default[1] <= int(idx.max())):
            continue  # the default plane is smaller than an index: PyTorch refuses it
        y = F.max_unpool2d(v, idx, (kh, kw), (sh, sw), (ph, pw),
                           output_size=None if size == (0, 0) else size)
        f.write("size %d %d\n" % size)
        write_case(f, "max_unpool2d", v, [kh, kw, sh, sw, ph, pw, 1, 1, 0, 1, 0], y, idx)
        written += 1


def gradient(forward, x, rng, dtype_of=None):
    """PyTorch's CPU autograd for `forward` at x: the forward's output (and indices, when
    it returns them), a random dy of the output's shape, and dx. dy holds a few exact
    repeats and zeros, so overlapping windows add equal and signed-zero contributions."""
    x = x.detach().clone().requires_grad_(True)
    out = forward(x)
    y, idx = out if isinstance(out, tuple) else (out, None)
    n = y.numel()
    vals = []
    for _ in range(n):
        r = rng.random()
        vals.append(0.0 if r < 0.05 else float(rng.randint(-4, 4)) / 4 if r < 0.3
                    else rng.uniform(-10.0, 10.0))
    dy = torch.tensor(vals, dtype=x.dtype).reshape(y.shape)
    (dx,) = torch.autograd.grad(y, x, dy)
    return y.detach(), idx, dy, dx


def backward_cases(f, rng, count):
    """Autograd gradients of every operation SPEC section 9 matches bit for bit: max (with
    dilation and ceil mode), min as -max_pool2d(-x), avg (every option), adaptive max and
    avg (1 x 1 included), global avg (x.mean), fractional max with given samples, and
    max_unpool2d with respect to its values. The case's params and extra lines are those
    of the forward files; "grad" and "dx" lines follow the forward's output."""
    kinds = ["max", "min", "avg", "adaptive_max", "adaptive_avg", "global_avg", "fractional_max",
             "max_unpool2d"]
    written = 0
    while written < count:
        kind = kinds[written % len(kinds)]
        dtype = torch.float64 if rng.random() < 0.25 else torch.float32
        N, C = rng.randint(1, 2), rng.randint(1, 3)
        H, W = rng.randint(1, 13), rng.randint(1, 13)
        # Few distinct values half of the time: ties, so overlapping windows share taps.
        x = random_input(rng, (N, C, H, W), dtype, special=False)
        if kind in ("max", "min", "avg"):
            kh, kw = rng.randint(1, 4), rng.randint(1, 4)
            sh, sw = rng.randint(1, 3), rng.randint(1, 3)
            dh, dw = (rng.randint(1, 3), rng.randint(1, 3)) if kind != "avg" else (1, 1)
            ph, pw = rng.randint(0, kh // 2), rng.randint(0, kw // 2)
            ceil = rng.random() < 0.5
            OH, OW = out_size(H, kh, sh, ph, dh, ceil), out_size(W, kw, sw, pw, dw, ceil)
            if OH < 1 or OW < 1:
                continue
            if has_empty_window(H, kh, sh, ph, dh, OH) or has_empty_window(W, kw, sw, pw, dw, OW):
                continue
            if kind == "avg":
                include_pad = rng.random() < 0.5
                divisor = rng.choice([0, 0, 0, 1, 2, 3, 7])
                y, idx, dy, dx = gradient(
                    lambda t: F.avg_pool2d(t, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil,
                                           count_include_pad=include_pad,
                                           divisor_override=divisor if divisor else None), x, rng)
                params = [kh, kw, sh, sw, ph, pw, 1, 1, ceil, include_pad, divisor]
            else:
                sign = 1.0 if kind == "max" else -1.0
                _, idx = F.max_pool2d(sign * x, (kh, kw), (sh, sw), (ph, pw), (dh, dw),
                                      ceil_mode=ceil, return_indices=True)
                y, _, dy, dx = gradient(
                    lambda t: sign * F.max_pool2d(sign * t, (kh, kw), (sh, sw), (ph, pw), (dh, dw),
                                                  ceil_mode=ceil), x, rng)
                params = [kh, kw, sh, sw, ph, pw, dh, dw, ceil, 1, 0]
            write_case(f, kind + "_pool2d_backward", x, params, y, idx, dy, dx)
        elif kind in ("adaptive_max", "adaptive_avg", "global_avg"):
            if kind == "global_avg":
                OH, OW = 1, 1
                forward = lambda t: t.mean((2, 3), keepdim=True)
            else:
                OH, OW = (1, 1) if rng.random() < 0.2 else (rng.randint(1, H + 3), rng.randint(1, W + 3))
                forward = (lambda t: F.adaptive_max_pool2d(t, (OH, OW), return_indices=True)) \
                    if kind == "adaptive_max" else (lambda t: F.adaptive_avg_pool2d(t, (OH, OW)))
            y, idx, dy, dx = gradient(forward, x, rng)
            write_case(f, kind + "_pool2d_backward", x, [0] * 11, y, idx, dy, dx)
        elif kind == "fractional_max":
            kh, kw = rng.randint(1, 4), rng.randint(1, 4)
            if kh > H or kw > W:
                continue
            OH, OW = rng.randint(1, H - kh + 1), rng.randint(1, W - kw + 1)
            u = torch.tensor([rng.random() for _ in range(N * C * 2)], dtype=dtype).reshape(N, C, 2)
            y, idx, dy, dx = gradient(
                lambda t: F.fractional_max_pool2d(t, (kh, kw), output_size=(OH, OW),
                                                  return_indices=True, _random_samples=u), x, rng)
            f.write("samples %s\n" % fmt(u))
            write_case(f, "fractional_max_pool2d_backward", x, [kh, kw] + [0] * 9, y, idx, dy, dx)
        else:
            kh, kw = rng.randint(1, 3), rng.randint(1, 3)
            if out_size(H, kh, kh, 0, 1, False) < 1 or out_size(W, kw, kw, 0, 1, False) < 1:
                continue
            v, idx = F.max_pool2d(x, (kh, kw), return_indices=True)
            y, _, dy, dv = gradient(
                lambda t: F.max_unpool2d(t, idx, (kh, kw), output_size=(H, W)), v, rng)
            # Here "input" holds the unpooled values and "dx" their gradient.
            f.write("size %d %d\n" % (H, W))
            write_case(f, "max_unpool2d_backward", v, [kh, kw, kh, kw, 0, 0, 1, 1, 0, 1, 0], y,
                       idx, dy, dv)
        written += 1


def main():
    rng = random.Random(20261121)
    with open(os.path.join(HERE, "max_pool2d.txt"), "w") as f:
        f.write("# PyTorch %s F.max_pool2d(return_indices=True); generated by generate.py\n"
                % torch.__version__)
        max_cases(f, rng, 120)
    with open(os.path.join(HERE, "avg_pool2d.txt"), "w") as f:
        f.write("# PyTorch %s F.avg_pool2d; generated by generate.py\n" % torch.__version__)
        avg_cases(f, rng, 120)
    rng = random.Random(20261122)
    with open(os.path.join(HERE, "lp_pool2d.txt"), "w") as f:
        f.write("# PyTorch %s F.lp_pool2d, non-negative inputs; generated by generate.py\n"
                % torch.__version__)
        lp_cases(f, rng, 100)
    with open(os.path.join(HERE, "adaptive_max_pool2d.txt"), "w") as f:
        f.write("# PyTorch %s F.adaptive_max_pool2d(return_indices=True); generated by "
                "generate.py\n" % torch.__version__)
        adaptive_cases(f, rng, 120, "max")
    with open(os.path.join(HERE, "adaptive_avg_pool2d.txt"), "w") as f:
        f.write("# PyTorch %s F.adaptive_avg_pool2d; generated by generate.py\n"
                % torch.__version__)
        adaptive_cases(f, rng, 120, "avg")
    rng = random.Random(20261123)
    with open(os.path.join(HERE, "fractional_max_pool2d.txt"), "w") as f:
        f.write("# PyTorch %s F.fractional_max_pool2d(return_indices=True, _random_samples=u); "
                "generated by generate.py\n" % torch.__version__)
        fractional_cases(f, rng, 150)
    rng = random.Random(20261201)
    with open(os.path.join(HERE, "lp_pool2d_signed.txt"), "w") as f:
        f.write("# PyTorch %s F.lp_pool2d, inputs of both signs, even p; generated by generate.py\n"
                % torch.__version__)
        lp_cases(f, rng, 100, signed=True)
    with open(os.path.join(HERE, "max_unpool2d.txt"), "w") as f:
        f.write("# PyTorch %s F.max_unpool2d of F.max_pool2d(return_indices=True); generated by "
                "generate.py\n" % torch.__version__)
        unpool_cases(f, rng, 120)
    rng = random.Random(20261203)
    with open(os.path.join(HERE, "backward.txt"), "w") as f:
        f.write("# PyTorch %s CPU autograd of the pooling operations; generated by generate.py\n"
                % torch.__version__)
        backward_cases(f, rng, 400)


if __name__ == "__main__":
    main()
