#!/usr/bin/env python3
"""Side-by-side table of poolkit_bench's rows, with PyTorch's joined when torch is there.

    benchmarks/compare.py build/gcc/benchmarks/poolkit_bench [--min-time 0.5] [--filter RE]
    benchmarks/compare.py --json run.json     # a saved `poolkit_bench --benchmark_format=json`

Runs poolkit_bench (JSON output), then, if `import torch` works (Debian's python3-torch),
times PyTorch 1.13's pooling (and, for the backward cases B1 ..., its backward kernels) on
the same cases, one thread, NCHW and channels_last, right
after on the same machine, and prints one table of GB/s (input + output bytes, each counted
once, as poolkit_bench counts them) with poolkit's ratio to the best peer. Ratios of rows
from one poolkit_bench run are side by side; PyTorch's rows come from the minutes after it.
"""

import argparse
import json
import re
import subprocess
import sys
import time

# The cases PyTorch has, as poolkit_bench defines them (bench_cases.hpp): input NCHW and
# the call. Output bytes are taken from poolkit_bench's own byte count.
TORCH_CASES = {
    "S1": ((1, 64, 224, 224), "max", dict(kernel_size=2, stride=2)),
    "S2": ((1, 64, 112, 112), "max", dict(kernel_size=3, stride=2, padding=1)),
    "S3": ((1, 192, 28, 28), "max", dict(kernel_size=3, stride=1, padding=1)),
    "S4": ((1, 128, 56, 56), "avg", dict(kernel_size=2, stride=2)),
    "S5": ((1, 192, 28, 28), "avg", dict(kernel_size=3, stride=1, padding=1, count_include_pad=False)),
    "S6": ((1, 2048, 7, 7), "adaptive_avg", dict(output_size=1)),
    "S7": ((1, 512, 14, 14), "adaptive_avg", dict(output_size=7)),
    "S8": ((32, 64, 112, 112), "max", dict(kernel_size=3, stride=2, padding=1)),
    "S10": ((1, 512, 20, 20), "max", dict(kernel_size=13, stride=1, padding=6)),
}

# Backward cases (B1 = the gradient of S1, ...): PyTorch's backward kernels, called
# directly (torch.ops.aten), as autograd calls them, without the autograd machinery.
BACKWARD_CASES = {"B1": "S1", "B2": "S2", "B4": "S4", "B5": "S5", "B6": "S6", "B8": "S8"}

PEERS = ["onednn_nchw", "onednn_nhwc", "onednn_blocked", "xnnpack_nhwc", "pytorch_nchw",
         "pytorch_channels_last"]


def run_bench(binary, min_time, pattern):
    cmd = [binary, "--benchmark_format=json", f"--benchmark_min_time={min_time}"]
    if pattern:
        cmd.append(f"--benchmark_filter={pattern}")
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def rows_of(report):
    """{case: {impl: (GB/s, bytes per iteration)}} from a poolkit_bench JSON report."""
    rows = {}
    for b in report["benchmarks"]:
        if b.get("run_type") == "aggregate" or "bytes_per_second" not in b:
            continue
        case, impl = b["name"].split("/")[:2]
        seconds = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        rows.setdefault(case, {})[impl] = (b["bytes_per_second"] / 1e9, b["bytes_per_second"] * seconds)
    return rows


def time_torch(rows, min_time):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("(PyTorch not found: apt-get install python3-torch for its rows)", file=sys.stderr)
        return
    torch.set_num_threads(1)
    calls = {"max": F.max_pool2d, "avg": F.avg_pool2d, "adaptive_avg": F.adaptive_avg_pool2d}
    for case in rows:
        # S1c ... S8c are S1 ... S8 stored channels-last: PyTorch's channels_last row only.
        channels_last_case = case.endswith("c") and case[:-1] in TORCH_CASES
        base = case[:-1] if channels_last_case else case
        if base not in TORCH_CASES or "poolkit" not in rows[case]:
            continue
        shape, op, kwargs = TORCH_CASES[base]
        bytes_per_call = rows[case]["poolkit"][1]
        x = torch.rand(shape) * 2 - 1
        layouts = [("channels_last", torch.channels_last)]
        if not channels_last_case:
            layouts.insert(0, ("nchw", torch.contiguous_format))
        for layout, memory_format in layouts:
            xl = x.contiguous(memory_format=memory_format)
            fn = calls[op]
            fn(xl, **kwargs)  # warm up
            calls_done, start = 0, time.perf_counter()
            while True:
                fn(xl, **kwargs)
                calls_done += 1
                elapsed = time.perf_counter() - start
                if elapsed >= min_time and calls_done >= 3:
                    break
            rows[case][f"pytorch_{layout}"] = (bytes_per_call * calls_done / elapsed / 1e9, bytes_per_call)


def torch_backward_call(op, kwargs, x):
    """A call of PyTorch's backward kernel for the case's forward at x, and dy."""
    import torch
    import torch.nn.functional as F
    aten = torch.ops.aten
    k = kwargs.get("kernel_size")
    s = kwargs.get("stride", k)
    p = kwargs.get("padding", 0)
    if op == "max":
        y, idx = F.max_pool2d(x, k, s, p, return_indices=True)
        dy = torch.rand_like(y)
        return lambda: aten.max_pool2d_with_indices_backward(dy, x, [k, k], [s, s], [p, p], [1, 1],
                                                             False, idx)
    if op == "avg":
        y = F.avg_pool2d(x, **kwargs)
        dy = torch.rand_like(y)
        include = kwargs.get("count_include_pad", True)
        return lambda: aten.avg_pool2d_backward(dy, x, [k, k], [s, s], [p, p], False, include, None)
    y = F.adaptive_avg_pool2d(x, kwargs["output_size"])
    dy = torch.rand_like(y)
    return lambda: aten._adaptive_avg_pool2d_backward(dy, x)


def time_torch_backward(rows, min_time):
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)
    for case, forward in BACKWARD_CASES.items():
        if case not in rows or "poolkit" not in rows[case]:
            continue
        shape, op, kwargs = TORCH_CASES[forward]
        bytes_per_call = rows[case]["poolkit"][1]
        x = torch.rand(shape) * 2 - 1
        for layout, memory_format in [("nchw", torch.contiguous_format),
                                      ("channels_last", torch.channels_last)]:
            call = torch_backward_call(op, kwargs, x.contiguous(memory_format=memory_format))
            call()  # warm up
            calls_done, start = 0, time.perf_counter()
            while True:
                call()
                calls_done += 1
                elapsed = time.perf_counter() - start
                if elapsed >= min_time and calls_done >= 3:
                    break
            rows[case][f"pytorch_{layout}"] = (bytes_per_call * calls_done / elapsed / 1e9, bytes_per_call)


def print_table(rows):
    header = ["case", "poolkit", "roofline", "%roof"] + PEERS + ["best peer", "x best"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for case, impls in rows.items():
        if "poolkit" not in impls or "roofline" not in impls:
            continue
        pk, roof = impls["poolkit"][0], impls["roofline"][0]
        peers = {p: impls[p][0] for p in PEERS if p in impls}
        best = max(peers.items(), key=lambda kv: kv[1]) if peers else None
        cells = [case, f"{pk:.1f}", f"{roof:.1f}", f"{100 * pk / roof:.0f}%"]
        cells += [f"{peers[p]:.1f}" if p in peers else "-" for p in PEERS]
        cells += [best[0], f"{pk / best[1]:.2f}"] if best else ["-", "-"]
        print("| " + " | ".join(cells) + " |")
    print("\nGB/s over input + output bytes, one thread; x best = poolkit / the fastest peer.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", nargs="?", help="poolkit_bench")
    ap.add_argument("--json", help="a saved poolkit_bench JSON report instead of a run")
    ap.add_argument("--min-time", type=float, default=0.5)
    ap.add_argument("--filter", default="", help="poolkit_bench --benchmark_filter")
    args = ap.parse_args()
    if bool(args.binary) == bool(args.json):
        ap.error("give poolkit_bench's path or --json FILE")
    report = json.load(open(args.json)) if args.json else run_bench(args.binary, args.min_time, args.filter)
    rows = rows_of(report)
    time_torch(rows, args.min_time)
    time_torch_backward(rows, args.min_time)
    print_table(rows)


if __name__ == "__main__":
    main()
