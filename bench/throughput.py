"""Training throughput of rnn_nb's scratch models against the book's own code, in one process.

Run it with `make bench` (installs the reference, d2l 0.17.6, into .bench/ with --no-deps) or
`python bench/throughput.py [--epochs N]` once d2l is importable. Every contender trains one epoch
in turn, round after round, so machine noise hits them alike; the script prints each contender's
median tokens/s over the rounds (the first round is a warm-up and is left out) and its ratio to the
book's code measured in the same run. Tokens/s figures depend on the machine and its load: compare
ratios, not absolute figures.

The reference is d2l 0.17.6's `RNNModelScratch` and `train_epoch_ch8` (with its `grad_clipping` and
`sgd`). The book defines `get_params`, `init_rnn_state` and `rnn` in its notebook, not in the d2l
package, so the reference uses rnn_nb.scratch's functions of the same names, which perform the same
operations in the same order (one-hot matmul, recurrent matmul, bias, tanh, per-step output matmul,
`torch.cat`).
"""
import argparse, math, os, random, statistics, sys, time, types
from pathlib import Path

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root / '.bench'))  # where `make bench` puts d2l 0.17.6
# d2l imports these at module level but its RNN code never uses them: stub them rather than install them.
import importlib.machinery
for name in ('torchvision', 'torchvision.transforms', 'pandas', 'requests'):
    stub = types.ModuleType(name)
    stub.__spec__ = importlib.machinery.ModuleSpec(name, loader=None)  # torch._dynamo looks modules up by spec
    sys.modules.setdefault(name, stub)

import torch
from torch import nn
from torch.nn import functional as F

from rnn_nb.data import TimeMachine, load_data_time_machine
from rnn_nb.scratch import RNNLMScratch, RNNModelScratch, RNNScratch, as_lm, get_params, init_rnn_state, rnn
from rnn_nb.fast import BF16_ENV, RNNModelFast, bf16_native
from rnn_nb.training import sgd, train_epoch


def gather_forward(inputs_ids, state, params):
    "Steps 1-2 of chapter 01a, 'Making it fast', with autograd's backward: gathered input rows, one output matmul."
    W_xh, W_hh, b_h, W_hq, b_q = params
    A = F.embedding(inputs_ids, W_xh) + b_h  # (steps, batch, hidden)
    H, = state
    Hs = []
    for A_t in A:
        H = torch.tanh(A_t + H @ W_hh)
        Hs.append(H)
    return torch.stack(Hs).reshape(-1, W_hh.shape[0]) @ W_hq + b_q, (H,)


class GatherModel(RNNModelScratch):
    "The plain model with steps 1-2 only (token ids go to the forward function, not one-hot vectors)."
    def __call__(self, X, state): return gather_forward(X.T, state, self.params)


def d2l_contenders(d2l, vocab, device):
    "The book's own code: d2l's model class and training loop."
    torch.manual_seed(0)
    book = d2l.RNNModelScratch(len(vocab), 512, device, get_params, init_rnn_state, rnn)
    return {'book (d2l 0.17.6)': (book, lambda it: d2l.train_epoch_ch8(
        book, it, nn.CrossEntropyLoss(), lambda batch_size: d2l.sgd(book.params, 1, batch_size), device, False))}


def ours(name, make, device, use_random_iter=False):
    torch.manual_seed(0)
    net = make()
    updater = (torch.optim.SGD(net.parameters(), lr=1) if isinstance(net, nn.Module)
               else (lambda batch_size: sgd(net.params, 1, batch_size)))
    return {name: (net, lambda it: train_epoch(net, it, nn.CrossEntropyLoss(), updater, device, use_random_iter))}


def race(contenders, data, rounds):
    "One epoch per contender per round; returns {name: [(perplexity, tokens/s), ...]}."
    results = {name: [] for name in contenders}
    for r in range(rounds):
        for name, (_, run_epoch) in contenders.items():
            random.seed(r)  # every contender sees the same random offsets
            results[name].append(run_epoch(data))
    return results


def report(title, results, reference):
    print(f'\n{title}')
    ref = statistics.median(s for _, s in results[reference][1:])
    for name, runs in results.items():
        med = statistics.median(s for _, s in runs[1:])
        ppl = runs[min(4, len(runs) - 1)][0]
        print(f'  {name:34s} {med:10,.0f} tokens/s   x{med / ref:4.2f}   perplexity after epoch {min(5, len(runs))}: {ppl:.3f}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=12, help='epochs per contender (the first is a warm-up)')
    parser.add_argument('--bf16', action='store_true', help='run the bfloat16 contender even where it is emulated')
    args = parser.parse_args()
    try: from d2l import torch as d2l
    except ImportError: sys.exit('d2l 0.17.6 is not importable: run `make bench`, which installs it into .bench/')
    device = torch.device('cpu')
    forced = f" (as set by {BF16_ENV}={os.environ[BF16_ENV]})" if BF16_ENV in os.environ else ''
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, bfloat16 native: {bf16_native(device)}{forced}')

    train_iter, vocab = load_data_time_machine(batch_size=32, num_steps=35)  # the 1st edition's workload
    V = len(vocab)
    contenders = d2l_contenders(d2l, vocab, device)
    contenders |= ours('plain RNNModelScratch', lambda: RNNModelScratch(V, 512, device), device)
    contenders |= ours('1-2: gather + one output matmul', lambda: GatherModel(V, 512, device), device)
    contenders |= ours('3: RNNModelFast fp32', lambda: RNNModelFast(V, 512, device, precision='fp32'), device)
    if bf16_native(device) or args.bf16:  # without native bfloat16 matmuls torch emulates them, ~20x slower
        contenders |= ours('4: RNNModelFast bf16', lambda: RNNModelFast(V, 512, device, precision='bf16'), device)
    else: print('no native bfloat16 matmuls on this CPU: step 4 (bf16) left out; --bf16 runs it anyway')
    report('1st edition: hidden 512, batch 32, steps 35, 10,000 tokens, sequential', race(contenders, train_iter, args.rounds),
           'book (d2l 0.17.6)')

    torch.manual_seed(0)
    book_rnn = d2l.RNNModel(nn.RNN(V, 256), V)
    ours_rnn = d2l.RNNModel(nn.RNN(V, 256), V)
    contenders = {'nn.RNN 256, d2l train_epoch_ch8': (book_rnn, lambda it: d2l.train_epoch_ch8(
        book_rnn, it, nn.CrossEntropyLoss(), torch.optim.SGD(book_rnn.parameters(), lr=1), device, False))}
    contenders |= ours('nn.RNN 256, rnn_nb train_epoch', lambda: ours_rnn, device)
    report('nn.RNN with 256 hidden units (d2l.RNNModel) on the same data: the two training loops',
           race(contenders, train_iter, args.rounds), 'nn.RNN 256, d2l train_epoch_ch8')

    data = TimeMachine(batch_size=1024, num_steps=32)
    contenders = ours('RNNLMScratch 32 (module form)', lambda: as_lm(RNNLMScratch(RNNScratch(V, 32), V)), device, True)
    contenders |= ours('RNNModelFast 32, fp32', lambda: RNNModelFast(V, 32, device, precision='fp32'), device, True)
    report('2nd edition: TimeMachine(1024, 32), hidden 32 (no book reference: d2l 0.17.6 predates this API)',
           race(contenders, data.train_dataloader(), max(4, args.rounds // 2)), 'RNNLMScratch 32 (module form)')


if __name__ == '__main__': main()
