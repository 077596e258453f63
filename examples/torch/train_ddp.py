"""Distributed training with poolkit's pooling layers: two processes on 127.0.0.1, PyTorch's
own DistributedDataParallel over the gloo backend, synthetic data.

A small CNN (poolkit's MaxPool2d, StochasticPool2d, L2Pool2d and GlobalAvgPool2d between
convolutions) learns which quadrant of a noisy image holds a bright square. Each replica
sees its own shard of every batch; DDP averages the gradients. The script checks that the
loss falls and that both replicas end with bit-identical parameters, and prints the loss
curve. Run it with poolkit_torch on PYTHONPATH (see the README, "From PyTorch"):

    PYTHONPATH=build/torch/python/python python3 examples/torch/train_ddp.py
"""
import datetime
import os
import queue
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn

import poolkit_torch as pk

WORLD = 2
STEPS = 60
BATCH = 16  # per replica


def model():
    torch.manual_seed(0)  # the same initial parameters on every replica
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
        pk.MaxPool2d(2),                       # 16x16 -> 8x8
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
        pk.StochasticPool2d(2, seed=1234),     # 8x8 -> 4x4; eval mode: weighted average
        pk.L2Pool2d(2, 1),                     # 4x4 -> 3x3
        pk.GlobalAvgPool2d(), nn.Flatten(),
        nn.Linear(16, 4))


def batch(step, rank):
    """Images 1x16x16 of noise with a bright 4x4 square in one quadrant (the label)."""
    g = torch.Generator().manual_seed(1000 * step + rank)
    labels = torch.randint(0, 4, (BATCH,), generator=g)
    x = torch.rand(BATCH, 1, 16, 16, generator=g) * 0.5
    for i, label in enumerate(labels.tolist()):
        top, left = 8 * (label // 2), 8 * (label % 2)
        r, c = torch.randint(0, 5, (2,), generator=g).tolist()
        x[i, 0, top + r:top + r + 4, left + c:left + c + 4] += 1.0
    return x, labels


def replica(rank):
    """One replica's training: the loss curve (averaged over the replicas), whether every
    replica ends with the same parameters, and the accuracy on a held-out batch."""
    net = nn.parallel.DistributedDataParallel(model())
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
    losses = []
    for step in range(STEPS):
        x, labels = batch(step, rank)
        loss = nn.functional.cross_entropy(net(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        mean = loss.detach().clone()
        dist.all_reduce(mean)
        losses.append(mean.item() / WORLD)
    # Every replica's parameters, gathered to compare bit for bit.
    flat = torch.cat([p.detach().flatten() for p in net.module.parameters()])
    gathered = [torch.empty_like(flat) for _ in range(WORLD)]
    dist.all_gather(gathered, flat)
    net.eval()
    x, labels = batch(10_000, rank)
    with torch.no_grad():
        accuracy = (net(x).argmax(1) == labels).float().mean().item()
    return losses, all(torch.equal(gathered[0], g) for g in gathered), accuracy


def train(rank, port, results):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    # The replicas talk over the loopback device (gloo otherwise picks the interface of
    # the machine's host name).
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=WORLD,
                            timeout=datetime.timedelta(seconds=60))
    # The DistributedDataParallel model lives in replica() only: it is gone before the
    # process group is. (Destroyed after it, as a local of this function, its reducer left
    # a thread spinning now and then, and the process never exited.)
    outcome = replica(rank)
    if rank == 0:
        results.put(outcome)
    # Both replicas leave the group together.
    dist.barrier()
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    context = mp.get_context("spawn")
    results = context.Queue()
    workers = mp.start_processes(train, args=(free_port(), results), nprocs=WORLD, join=False,
                                 start_method="spawn")
    # Take the result before joining (a process exits only once its queued data is read),
    # and never wait forever: a replica that dies or hangs fails the run within minutes.
    deadline = time.monotonic() + 300
    outcome = None
    while outcome is None:
        try:
            outcome = results.get(timeout=1)
        except queue.Empty:
            if time.monotonic() > deadline:
                for process in workers.processes:
                    process.terminate()
                sys.exit("the replicas did not finish within 300 s")
            workers.join(timeout=0)  # raises if a replica failed
    while not workers.join(timeout=max(1.0, deadline - time.monotonic())):
        if time.monotonic() > deadline:
            for process in workers.processes:
                process.terminate()
            sys.exit("the replicas did not exit within 300 s")
    losses, identical, accuracy = outcome
    print(f"DistributedDataParallel, gloo, {WORLD} processes, {STEPS} steps of {WORLD} x {BATCH}")
    for step in range(0, STEPS, 5):
        print(f"step {step:3d}  loss {losses[step]:.4f}  " + "#" * int(40 * losses[step] / losses[0]))
    first, last = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
    print(f"loss {first:.4f} (first 5 steps) -> {last:.4f} (last 5); eval accuracy {accuracy:.2f}; "
          f"replicas identical: {identical}")
    if not identical:
        sys.exit("the replicas' parameters differ")
    if not last < 0.5 * first:
        sys.exit("the loss did not fall by half")


if __name__ == "__main__":
    main()
