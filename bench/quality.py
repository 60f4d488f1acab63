"""Held-out quality of the default recipe (`rnn_nb train` with no flags), in one command.

    python bench/quality.py [--only tm|wotw|shakespeare ...] [--threads N] [--out DIR]

1. The Time Machine: `train_run()` with its defaults (chapter 06a's regularised LSTM, the mixture with a
   Kneser-Ney n-gram of chapter 06b, every choice made on the dev slice), timed; the held-out split's bits/char
   of the network, the mixture and the n-gram baseline.
2. The War of the Worlds (another Wells novel, never trained on): `evaluate_checkpoint` on it, static and with
   chapter 06c's dynamic evaluation, the network alone and mixed.
3. Tiny Shakespeare, `--clean none`, the same recipe and about the same number of updates (so the same time
   budget): held-out bits/char next to nanoGPT's published character-level results.

It prints figures; it asserts nothing (speed depends on the machine). The texts are ../shared/data's when that
folder is beside the clone, else the copies in nbs/data/ (War of the Worlds only).
"""
import argparse, math, tempfile
from pathlib import Path

root = Path(__file__).resolve().parent.parent
shared = root.parent / 'shared' / 'data'

def text_path(name: str) -> Path | None:
    for p in (shared / name, root / 'nbs' / 'data' / name):
        if p.is_file(): return p
    return None

def line(label: str, bits: float, note: str = ''):
    print(f'  {label:52}{bits:7.3f}  {note}', flush=True)

def time_machine(out: Path) -> Path:
    from rnn_nb.run import train_run
    ckpt = out / 'tm.ckpt'
    r = train_run(out=str(ckpt), progress=None, metrics_json=str(out / 'tm.json'))
    b, m = r['baseline'], r['mixture']
    print(f"The Time Machine, default recipe: {r['seconds']:.0f} s wall on {r['device']} ({torch_threads()} threads), "
          f"kept epoch {r['best_epoch']} of {r['epochs_done']}")
    line('dev slice, network (what the kept epoch was chosen on)', r['dev']['bits'])
    line('held-out, network alone', r['val']['bits'])
    line(f"held-out, mixed with the KN {m['n']}-gram (lam {m['lam']:.3f}, chosen on dev)", m['bits'])
    line(f"held-out, n-gram baseline ({b['best_ngram']}, chosen on dev)", b['best_ngram_bits'])
    return ckpt

def war_of_the_worlds(ckpt: Path):
    from rnn_nb.inference import evaluate_checkpoint
    path = text_path('war_of_the_worlds.txt')
    if path is None: print('The War of the Worlds: text not found, skipped'); return
    mixed = evaluate_checkpoint(ckpt, path, device='cpu', dynamic=True)
    alone = evaluate_checkpoint(ckpt, path, device='cpu', dynamic=True, mixture=False)
    n = mixed['tokens_scored']
    print(f"The War of the Worlds ({n:,} characters scored; never trained on):")
    line('static, network alone', alone['bits_per_char'])
    line(f"static, mixed (the checkpoint's lam {mixed['mixture']['lam']:.3f}, n={mixed['mixture']['n']})", mixed['bits_per_char'])
    line(f"n-gram baseline counted on the Time Machine ({mixed['best_ngram']})", mixed['best_ngram_bits'])
    for name, r in (('network alone', alone), ('mixed', mixed)):
        d = r['dynamic']
        line(f'dynamic evaluation, {name}', d['bits_per_char'], f"{d['seconds'] / n * 1e5:.1f} s per 100k characters")

def shakespeare(out: Path):
    from rnn_nb.run import train_run
    from rnn_nb.config import TrainConfig, dev_split, read_split
    path = text_path('tinyshakespeare.txt')
    if path is None: print('Tiny Shakespeare: text not found (../shared/data), skipped'); return
    cfg = TrainConfig()
    updates = lambda text, clean: (len(dev_split(read_split(text, clean, cfg.val_fraction)[0], cfg.dev_fraction)[0]) - cfg.steps) // cfg.batch // cfg.steps
    per_epoch, budget = updates(str(path), 'none'), cfg.epochs * updates(None, cfg.clean)  # the book's run: ~480 updates
    epochs = max(1, round(budget / per_epoch))  # about as many updates as the Time Machine run: the same time budget
    r = train_run(text=str(path), clean='none', epochs=epochs, out=str(out / 'ts.ckpt'), progress=None)
    b, m = r['baseline'], r.get('mixture')
    print(f"Tiny Shakespeare, --clean none, {epochs} epochs of {per_epoch} updates: {r['seconds']:.0f} s wall")
    line('held-out (last 10%), network alone', r['val']['bits'])
    if m: line(f"held-out, mixed with the KN {m['n']}-gram (lam {m['lam']:.3f})", m['bits'])
    line(f"held-out, n-gram baseline ({b['best_ngram']})", b['best_ngram_bits'])
    nats = lambda x: x / math.log(2)
    line("nanoGPT's README, CPU 'baby GPT' (1.88 nats)", nats(1.88), 'published, for comparison')
    line("nanoGPT's README, A100 baby GPT, 3 minutes (1.4697 nats)", nats(1.4697), 'published, for comparison')

def torch_threads() -> int:
    import torch
    return torch.get_num_threads()

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--only', nargs='*', choices=('tm', 'wotw', 'shakespeare'), default=None)
    p.add_argument('--threads', type=int, default=None, help="torch's intra-op threads (default: torch's own choice)")
    p.add_argument('--out', default=None, help='where the checkpoints go (default: a temporary folder)')
    a = p.parse_args(argv)
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    out = Path(a.out or tempfile.mkdtemp(prefix='rnn_nb_quality_')); out.mkdir(parents=True, exist_ok=True)
    only = set(a.only or ('tm', 'wotw', 'shakespeare'))
    ckpt = out / 'tm.ckpt'
    if 'tm' in only: ckpt = time_machine(out)
    if 'wotw' in only:
        if ckpt.is_file(): war_of_the_worlds(ckpt)
        else: print(f'The War of the Worlds: needs the Time Machine checkpoint {ckpt} (run with --only tm first)')
    if 'shakespeare' in only: shakespeare(out)

if __name__ == '__main__':
    main()
