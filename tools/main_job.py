"""The main job behind `make run`. For now: the data pipeline on the bundled Time Machine
(corpus statistics and one minibatch). Training and generation join it as their chapters land."""
import random
from rnn_nb.data import load_corpus_time_machine, load_data_time_machine, time_machine_path

random.seed(0)
corpus, vocab = load_corpus_time_machine()
print(f'corpus: {time_machine_path()}')
print(f'{len(corpus)} characters after cleaning, a vocabulary of {len(vocab)} tokens (with <unk>)')
print('most frequent:', ', '.join(f'{tok!r} {n}' for tok, n in vocab.token_freqs[:8]))
train_iter, vocab = load_data_time_machine(batch_size=32, num_steps=35)
X, Y = next(iter(train_iter))
print(f'{len(train_iter)} minibatches per epoch of shape {tuple(X.shape)} from the first 10,000 characters; the first row:')
print('  X:', repr(''.join(vocab.to_tokens(X[0]))))
print('  Y:', repr(''.join(vocab.to_tokens(Y[0]))))
