"""Where the fast scratch model's training time goes: torch's profiler over a few epochs of the first-edition workload.

Run it with `python bench/profile_fast.py [--precision fp32|bf16|auto] [--threads N]`. It trains `RNNModelFast`
(hidden 512, batch 32, 35 steps, the first 10,000 tokens) with chapter 03's `train_epoch`, and prints the operators
that took the most time, grouped by input shape, with each one's time per training step (one step = one time step of
one minibatch). The per-step matmuls show up as `addmm_` on (512, 32) slabs; the large matmuls once per minibatch.
The profiler adds its own overhead to every operator, so read the table for proportions, and use
`bench/throughput.py` for speed.
"""
import argparse

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

from rnn_nb.data import load_data_time_machine
from rnn_nb.fast import RNNModelFast
from rnn_nb.training import sgd, train_epoch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--precision', default='fp32', choices=('auto', 'fp32', 'bf16'))
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    parser.add_argument('--epochs', type=int, default=3, help='profiled epochs (after one warm-up epoch)')
    parser.add_argument('--rows', type=int, default=20, help='operators to print')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_iter, vocab = load_data_time_machine(batch_size=32, num_steps=35)
    torch.manual_seed(0)
    net = RNNModelFast(len(vocab), 512, 'cpu', precision=args.precision)
    def epoch():
        return train_epoch(net, train_iter, nn.CrossEntropyLoss(), lambda batch_size: sgd(net.params, 1, batch_size), 'cpu', False)
    epoch()  # warm-up
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(args.epochs): epoch()
    steps = args.epochs * len(train_iter) * 35
    rows = sorted(prof.key_averages(group_by_input_shape=True), key=lambda e: -e.self_cpu_time_total)
    total = sum(e.self_cpu_time_total for e in rows)
    print(f'torch {torch.__version__}, {args.threads} threads, matmul dtype {net.dtype}; '
          f'{total / steps:.0f} us of operator time per step (profiler overhead included)')
    print(f"{'operator':28s} {'us/step':>8s} {'share':>6s} {'calls/step':>10s}  input shapes")
    for e in rows[:args.rows]:
        print(f'{e.key[:28]:28s} {e.self_cpu_time_total / steps:8.1f} {e.self_cpu_time_total / total:6.1%} '
              f'{e.count / steps:10.2f}  {str(e.input_shapes)[:70]}')


if __name__ == '__main__': main()
