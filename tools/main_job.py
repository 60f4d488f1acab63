"""The main job behind `make run`: train a character RNN on the bundled Time Machine, report its
perplexity (and bits per character) on the training text and on held-out text, and generate text.

The model is chapter 01's `RNNModelFast` (512 hidden units; bfloat16 matmuls where the CPU has
them), trained by chapter 03's `train` on the first 90% of the book and measured on the last 10%.
Takes about a minute on 2 CPU cores. Usage: python tools/main_job.py [EPOCHS]
"""
import math, random, sys, time
import torch
from rnn_nb.data import SeqDataLoader, load_corpus_time_machine, time_machine_path
from rnn_nb.scratch import RNNModelFast, predict
from rnn_nb.training import train, try_gpu

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
random.seed(0); torch.manual_seed(0)
device = try_gpu()
corpus, vocab = load_corpus_time_machine()
split = int(0.9 * len(corpus))
train_iter = SeqDataLoader(corpus[:split], batch_size=32, num_steps=35)
val_iter = SeqDataLoader(corpus[split:], batch_size=32, num_steps=35)
print(f'{time_machine_path().name}: {len(corpus):,} characters, {len(vocab)} tokens; '
      f'training on the first {split:,}, held out: the last {len(corpus) - split:,}')
net = RNNModelFast(len(vocab), 512, device)
print(f'RNNModelFast, 512 hidden units, matmuls in {net.dtype}, {epochs} epochs of {len(train_iter)} minibatches on {device}')
start = time.time()
history = train(net, train_iter, vocab, lr=1, num_epochs=epochs, device=device, val_iter=val_iter, plot=False)
train_ppl, val_ppl = history['train_ppl'][-1], history['val_ppl'][-1]
print(f'\ntrained in {time.time() - start:.0f} s')
print(f'training perplexity {train_ppl:.2f} ({math.log2(train_ppl):.2f} bits/char), '
      f'held-out perplexity {val_ppl:.2f} ({math.log2(val_ppl):.2f} bits/char); uniform guessing: {len(vocab) - 1} '
      f'({math.log2(len(vocab) - 1):.2f} bits/char)')
for prefix in ('time traveller ', 'the machine ', 'the morlocks '):
    print(repr(predict(prefix, 80, net, vocab, device)))
