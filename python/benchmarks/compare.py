"""poolkit_torch against PyTorch's own pooling, on the shape suite (DESIGN.md, S1-S8).

For each case: milliseconds per call of PyTorch and of poolkit_torch, NCHW and
channels_last, forward and forward + backward, one thread and all threads, and the ratio
(PyTorch time / poolkit time: above 1 means poolkit is faster). Then the overhead of one
call on a 1x1x4x4 input against PyTorch's own max_pool2d. Run with poolkit_torch on
PYTHONPATH:

    PYTHONPATH=build/torch/python/python python3 python/benchmarks/compare.py [--quick]

Times are the median of several repeats, each long enough to be measured; the machines
are shared, so compare the ratios of one run, not absolute times across runs.
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as TF

import poolkit_torch.functional as F

CASES = [
    ("S1 max 2x2 s2", (1, 64, 224, 224), lambda f, x: f.max_pool2d(x, 2, 2)),
    ("S2 max 3x3 s2 p1", (1, 64, 112, 112), lambda f, x: f.max_pool2d(x, 3, 2, 1)),
    ("S3 max 3x3 s1 p1", (1, 192, 28, 28), lambda f, x: f.max_pool2d(x, 3, 1, 1)),
    ("S4 avg 2x2 s2", (1, 128, 56, 56), lambda f, x: f.avg_pool2d(x, 2, 2)),
    ("S5 avg 3x3 s1 p1 excl", (1, 192, 28, 28),
     lambda f, x: f.avg_pool2d(x, 3, 1, 1, count_include_pad=False)),
    ("S6 global avg", (1, 2048, 7, 7),
     lambda f, x: f.global_avg_pool2d(x) if f is F else f.adaptive_avg_pool2d(x, 1)),
    ("S7 adaptive avg 14->7", (1, 512, 14, 14), lambda f, x: f.adaptive_avg_pool2d(x, 7)),
    ("S8 max 3x3 s2 p1 (DRAM)", (32, 64, 112, 112), lambda f, x: f.max_pool2d(x, 3, 2, 1)),
]


def seconds_per_call(fn, budget):
    """Median over 5 repeats of the mean time of a batch of calls lasting about budget / 5."""
    fn()
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < budget / 10 or calls < 1:
        fn()
        calls += 1
    per = (time.perf_counter() - start) / calls
    batch = max(1, int(budget / 5 / per))
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - start) / batch)
    return statistics.median(samples)


def forward_backward(module, op, x, dy_holder):
    def run():
        x.grad = None
        y = op(module, x)
        if dy_holder[0] is None or dy_holder[0].shape != y.shape:
            dy_holder[0] = torch.ones_like(y)
        y.backward(dy_holder[0])
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short timings (a smoke run)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(),
                        help="the 'all threads' count (default: torch.get_num_threads())")
    args = parser.parse_args()
    budget = 0.05 if args.quick else 0.5
    print(f"PyTorch {torch.__version__}; ms per call; ratio = PyTorch / poolkit (> 1: poolkit faster)")
    print("| case | threads | layout | pass | PyTorch | poolkit | ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, shape, op in CASES:
        for threads in sorted({1, args.threads}):
            torch.set_num_threads(threads)
            for layout in ("nchw", "channels_last"):
                x = torch.rand(shape)
                if layout == "channels_last":
                    x = x.contiguous(memory_format=torch.channels_last)
                for kind in ("forward", "fwd+bwd"):
                    times = []
                    for module in (TF, F):
                        if kind == "forward":
                            with torch.no_grad():
                                times.append(seconds_per_call(lambda: op(module, x), budget))
                        else:
                            xg = x.clone().requires_grad_(True)
                            times.append(seconds_per_call(forward_backward(module, op, xg, [None]), budget))
                    print(f"| {name} | {threads} | {layout} | {kind} | {times[0] * 1e3:.3f} | "
                          f"{times[1] * 1e3:.3f} | {times[0] / times[1]:.2f} |", flush=True)
    torch.set_num_threads(1)
    tiny = torch.rand(1, 1, 4, 4)
    with torch.no_grad():
        theirs = seconds_per_call(lambda: TF.max_pool2d(tiny, 2), budget)
        ours = seconds_per_call(lambda: F.max_pool2d(tiny, 2), budget)
        ours_op = seconds_per_call(lambda: torch.ops.poolkit.max_pool2d(tiny, [2, 2]), budget)
    print(f"\nper-call overhead, max_pool2d on 1x1x4x4 (microseconds): PyTorch {theirs * 1e6:.1f}, "
          f"poolkit_torch.functional {ours * 1e6:.1f} ({ours / theirs:.2f}x), "
          f"torch.ops.poolkit {ours_op * 1e6:.1f} ({ours_op / theirs:.2f}x)")


if __name__ == "__main__":
    main()
