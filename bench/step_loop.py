"""What one forward time loop costs in each layout chapter 01a measured: the matmuls alone, then with each step's element-wise work.

Run it with `python bench/step_loop.py [--threads N]`. It times the 35 steps of one minibatch of the first-edition
workload (hidden 512, batch 32) in four forms, each the median over rounds in which the forms take turns:

- the matmuls alone, in float32 and in bfloat16 (what no layout can remove);
- float32 as `RNNModelFast` runs it: transposed slabs side by side (strided views), `addmm_` then `tanh_`;
- bfloat16 as the first version ran it: the same strided float32 slabs for the sums and states, a bfloat16 matmul
  into a buffer, then an addition, tanh as a sigmoid and an `addcmul`, and a rounded copy of each state
  (operations that mix the two dtypes, on strided views);
- bfloat16 as `RNNModelFast` runs it now: one contiguous bfloat16 slab per step, `addmm_` then `tanh_`.

Figures depend on the CPU and its load: read the ratios. On a CPU without native bfloat16 the bfloat16 forms are
emulated and many times slower; the script says so and runs them anyway.
"""
import argparse, statistics, time

import torch

from rnn_nb.fast import bf16_native

HIDDEN, BATCH, STEPS = 512, 32, 35


def race(loops, calls=20, rounds=9):
    "Each loop `calls` times in turn, round after round (so machine noise hits them alike): {name: median ms per call}."
    for f in loops.values(): f()
    times = {name: [] for name in loops}
    for _ in range(rounds):
        for name, f in loops.items():
            t = time.perf_counter()
            for _ in range(calls): f()
            times[name].append((time.perf_counter() - t) / calls * 1e3)
    return {name: statistics.median(ts) for name, ts in times.items()}


def forms():
    "The loops to time, by name: each runs STEPS steps over buffers made once."
    torch.manual_seed(0)
    bf16 = torch.bfloat16
    W_T = torch.randn(HIDDEN, HIDDEN) / HIDDEN ** 0.5
    W_T16 = (W_T * 2).to(bf16)  # doubled: the sigmoid form of tanh reads 2z
    Hs = torch.randn(HIDDEN, STEPS + 1, BATCH)  # float32 slabs side by side: Hs[:, t] is strided
    Hc, M = torch.empty(Hs.shape, dtype=bf16), torch.empty(HIDDEN, BATCH, dtype=bf16)
    S16, W16 = torch.randn(STEPS + 1, BATCH, HIDDEN).to(bf16), W_T.t().contiguous().to(bf16)
    minus_one, two = Hs.new_full((), -1.0), Hs.new_full((), 2.0)
    Hl, Hcl, out32 = Hs.unbind(1), Hc.unbind(1), torch.empty(HIDDEN, BATCH)

    def mm32():
        for t in range(STEPS): torch.mm(W_T, Hl[t], out=out32)
    def mm16():
        for t in range(STEPS): torch.mm(S16[t], W16, out=S16[t + 1])
    def fp32():
        for t in range(STEPS): Hl[t + 1].addmm_(W_T, Hl[t]).tanh_()
    def bf16_first():
        for t in range(STEPS):
            Z = Hl[t + 1].add_(torch.mm(W_T16, Hcl[t], out=M))
            torch.addcmul(minus_one, Z.sigmoid_(), two, out=Z)
            Hcl[t + 1].copy_(Z)
    def bf16_now():
        for t in range(STEPS): S16[t + 1].addmm_(S16[t], W16).tanh_()
    return {'float32 matmuls alone': mm32, 'float32 loop (strided slabs, addmm_ + tanh_)': fp32,
            'bfloat16 matmuls alone': mm16, 'bfloat16, first version (float32 sums, mixed dtypes)': bf16_first,
            'bfloat16 now (contiguous bfloat16 slabs, addmm_ + tanh_)': bf16_now}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=None, help="torch's intra-op threads (default: torch's own)")
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    native = bf16_native('cpu')
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, bfloat16 native: {native}; '
          f'one forward loop of {STEPS} steps, hidden {HIDDEN}, batch {BATCH}, median of 9 rounds')
    if not native: print('no native bfloat16 on this CPU: the bfloat16 forms are emulated and many times slower')
    for name, ms in race(forms()).items():
        print(f'  {name:58s} {ms:7.2f} ms')


if __name__ == '__main__': main()
