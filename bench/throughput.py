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

Then the figures to read, never asserted: the default model of `TrainConfig()` (chapter 06a's AWD-LSTM
with its defaults) trained by rnn_nb's loop against a plain PyTorch loop over a copy of the same model,
the way pytorch/examples' word language model trains (ratio >= 0.95 wanted); generate tokens/s at batch 1 and
64; evaluate tokens/s; the time to count the n-gram baselines. `--compile` adds steps 1-2 under
`torch.compile` to the first race (where no C++ compiler is found, it says so in one line).
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

from rnn_nb.data import TimeMachine, Vocab, load_data_time_machine
from rnn_nb.scratch import RNNLMScratch, RNNModelScratch, RNNScratch, as_lm, detach_state, get_params, init_rnn_state, rnn
from rnn_nb.fast import BF16_ENV, RNNModelFast, bf16_native
from rnn_nb.training import sgd, train_epoch
from rnn_nb.prediction import evaluate, generate, time_machine_split
from rnn_nb.baselines import CharNGram, baseline_bits
from rnn_nb.registry import build_model
from rnn_nb.learner import make_loaders, make_optimizer
from rnn_nb.config import TrainConfig, model_spec


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


def compiled_model(V, device):
    "Steps 1-2 with the whole forward function under torch.compile (inductor; on a CPU it needs a C++ compiler)."
    net = GatherModel(V, 512, device)
    step = torch.compile(gather_forward)
    t = time.perf_counter()
    try: step(torch.zeros(35, 32, dtype=torch.long), (torch.zeros(32, 512),), net.params)[0].sum().backward()
    except Exception as e:  # no compiler, or a backend that cannot compile this: say so in one line
        print(f'torch.compile is not available here ({type(e).__name__}: {str(e).splitlines()[0][:120]}): its contender is left out')
        return None
    print(f'torch.compile of steps 1-2: {time.perf_counter() - t:.0f} s to compile (forward and backward)')
    net.__class__ = type('CompiledGatherModel', (GatherModel,), {'__call__': lambda self, X, state: step(X.T, state, self.params)})
    return net


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


def plain_epoch(net, optimizer, loader, clip):
    "One epoch of the pytorch/examples word-language-model loop over the same model: detach, forward, loss and the model's own penalty, clip, step."
    params, criterion, state, loss_sum, tokens = list(net.parameters()), nn.CrossEntropyLoss(), None, 0.0, 0
    t = time.perf_counter()
    for X, Y in loader:
        state = net.begin_state(batch_size=X.shape[0], device=X.device) if state is None else detach_state(state)
        logits, state = net(X, state)
        loss = criterion(logits, Y.T.reshape(-1))  # the logits are time-major: (steps * batch, vocab)
        penalty = getattr(net, 'penalty', None)  # AWD-LSTM's activation regularisers, as train_epoch adds them
        optimizer.zero_grad(); (loss if penalty is None else loss + penalty).backward()
        nn.utils.clip_grad_norm_(params, clip); optimizer.step()
        loss_sum += loss.item() * Y.numel(); tokens += Y.numel()
    return math.exp(loss_sum / tokens), tokens / (time.perf_counter() - t)


def default_model(rounds, device, batches=12):
    "TrainConfig()'s model and recipe on the book's training split: rnn_nb's loop against a plain one over a copy of the same model."
    cfg, (train_text, val_text) = TrainConfig(), time_machine_split()
    vocab = Vocab(list(train_text))
    kind, kwargs = model_spec(cfg, len(vocab))
    ids = vocab[list(train_text)][:cfg.batch * cfg.steps * batches + 1]  # the first `batches` minibatches of every epoch
    loader, _ = make_loaders(ids, [], cfg.batch, cfg.steps)
    torch.manual_seed(cfg.seed); net = build_model(kind, device=device, **kwargs)
    torch.manual_seed(cfg.seed); plain = build_model(kind, device=device, **kwargs)
    updater = make_optimizer(net, cfg.optimizer, cfg.lr, cfg.weight_decay)
    torch_optimizer = {'sgd': torch.optim.SGD, 'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW}[cfg.optimizer]
    optimizer = torch_optimizer(plain.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    contenders = {'plain PyTorch loop': (plain, lambda it: plain_epoch(plain, optimizer, it, cfg.clip)),
                  'rnn_nb (train_run\'s loop)': (net, lambda it: train_epoch(net, it, nn.CrossEntropyLoss(), updater, device,
                                                                             False, cfg.clip))}
    described = ', '.join(f'{k} {v}' for k, v in kwargs.items() if k != 'vocab_size')
    report(f'The default model of TrainConfig(): {kind} ({described}), batch {cfg.batch}, steps {cfg.steps}, '
           f'{cfg.optimizer}, clip {cfg.clip}; {batches} minibatches an epoch', race(contenders, loader, rounds), 'plain PyTorch loop')
    return net, vocab, train_text, val_text, loader


def timed(f, repeats=3):
    "The median wall time of `f()` over `repeats` calls, and its last result."
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); out = f(); times.append(time.perf_counter() - t)
    return statistics.median(times), out


def other_figures(net, vocab, train_text, val_text, loader, device):
    "Generating, evaluating and the n-gram baselines, each as a figure to read."
    print('\nGenerating, evaluating and the baselines (median of 3)')
    for batch, num_preds in ((1, 400), (64, 200)):
        s, _ = timed(lambda: generate('the time traveller ', num_preds, net, vocab, device, num_samples=batch,
                                      generator=torch.Generator().manual_seed(0)))
        print(f'  generate, batch {batch:2d}: {batch * num_preds / s:10,.0f} tokens/s')
    s, res = timed(lambda: evaluate(net, val_text, vocab, device))
    print(f'  evaluate, the held-out text as one stream: {res.tokens / s:10,.0f} tokens/s ({res.tokens:,} characters in {s:.2f} s)')
    s, res = timed(lambda: evaluate(net, loader, vocab, device))
    print(f'  evaluate, training minibatches: {res.tokens / s:10,.0f} tokens/s')
    s, _ = timed(lambda: CharNGram(train_text, vocab, 7))
    print(f'  n-gram counts (CharNGram, max_n=7, {len(train_text):,} characters): {s:.2f} s')
    s, _ = timed(lambda: baseline_bits(train_text, val_text, vocab))
    print(f'  baseline_bits (both methods, every order, scored on {len(val_text):,} characters): {s:.2f} s')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=12, help='epochs per contender (the first is a warm-up)')
    parser.add_argument('--bf16', action='store_true', help='run the bfloat16 contender even where it is emulated')
    parser.add_argument('--compile', action='store_true', help='add steps 1-2 under torch.compile (minutes to compile on a slow CPU)')
    parser.add_argument('--threads', type=int, default=None, help="torch's intra-op threads (default: torch's own choice)")
    args = parser.parse_args()
    try: from d2l import torch as d2l
    except ImportError: sys.exit('d2l 0.17.6 is not importable: run `make bench`, which installs it into .bench/')
    device = torch.device('cpu')
    if args.threads: torch.set_num_threads(args.threads)
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
    if args.compile and (net := compiled_model(V, device)) is not None:
        contenders |= ours('1-2 under torch.compile', lambda: net, device)
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

    other_figures(*default_model(max(4, args.rounds // 2), device), device)


if __name__ == '__main__': main()
