"""What one time step's activation costs on this CPU: torch's `tanh` against `sigmoid`, and tanh computed as 2 sigmoid(2z) - 1.

Run it with `python bench/activations.py [--threads N]`. Chapter 01a's fast model computes tanh through the sigmoid
(with the factor 2 folded into its inputs and weights, so one step is a sigmoid and one `addcmul`); this script
prints the median time of each form on one 512 x 32 slab (hidden 512, batch 32: one step of the first-edition
workload), the largest difference between the two forms of tanh, and the same for a 512 x 512 matmul for scale.
Figures depend on the CPU and its load: read the ratios.
"""
import argparse, statistics, time

import torch


def median_us(f, calls=300, rounds=7):
    "The median over `rounds` of the mean time of `calls` calls of `f`, in microseconds."
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(calls): f()
        times.append((time.perf_counter() - t) / calls * 1e6)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=None, help="torch's intra-op threads (default: torch's own)")
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    z = torch.randn(512, 32) * 2
    out, two_z, minus_one, two = torch.empty_like(z), z * 2, z.new_full((), -1.0), z.new_full((), 2.0)
    W, H = torch.randn(512, 512), torch.randn(512, 32)

    def via_sigmoid():
        torch.addcmul(minus_one, torch.sigmoid(two_z, out=out), two, out=out)
    forms = {'torch.tanh': lambda: torch.tanh(z, out=out),
             'torch.sigmoid': lambda: torch.sigmoid(z, out=out),
             '2 sigmoid(2z) - 1 (sigmoid + addcmul)': via_sigmoid,
             'matmul 512x512 by 512x32, for scale': lambda: torch.mm(W, H, out=out)}
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads; one 512 x 32 slab, median of 7 rounds')
    base = None
    for name, f in forms.items():
        us = median_us(f)
        base = base or us
        print(f'  {name:40s} {us:8.1f} us   x{us / base:5.2f} of tanh')
    via_sigmoid()
    print(f'  largest |tanh z - (2 sigmoid(2z) - 1)|: {(torch.tanh(z) - out).abs().max().item():.1e}')


if __name__ == '__main__': main()
