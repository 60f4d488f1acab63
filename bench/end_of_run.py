"""How long `rnn_nb train` takes after its last epoch line: the final measurements, the mixture's fit,
the checkpoint, the baselines and the sample, on the bundled book with the default model.

Each run trains one epoch (the end of a run costs the same after one epoch as after 24) and times
the seconds from the end of its last epoch to the return of `train_run`, split into the kept
epoch's measurements and checkpoint (`_keep`) and the figures and sample (`_result`). The
figures are wall-clock seconds on this machine, printed, never asserted.

    python bench/end_of_run.py [--runs 3]
"""
import argparse, io, statistics, tempfile, time
from pathlib import Path

import rnn_nb.run as run


def timed_run(out: Path) -> dict:
    "One run of the defaults for one epoch; the seconds after its last epoch, in total and by part."
    marks, parts = [], {}
    def mark(epoch, history): marks.append(time.perf_counter())
    def timing(name, f):
        def g(*a, **k):
            start = time.perf_counter()
            try: return f(*a, **k)
            finally: parts[name] = time.perf_counter() - start
        return g
    keep, result = run._keep, run._result
    run._keep, run._result = timing('keep', keep), timing('result', result)
    try: run.train_run(epochs=1, out=out, progress=io.StringIO(), callbacks=[mark])
    finally: run._keep, run._result = keep, result
    return {'total': time.perf_counter() - marks[-1], **parts}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=3, help='runs to time (the median is printed with the range)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs = [timed_run(Path(tmp)/'end.ckpt') for _ in range(args.runs)]
    print(f'the end of `rnn_nb train` on the bundled book, default model, {args.runs} runs (median, range):')
    for key, what in (('total', 'after the last epoch line, in all'),
                      ('keep', 'dev slice and held-out text read once, n-gram counted, mixture fitted, checkpoint written'),
                      ('result', 'baselines, mixed held-out figure, sample')):
        xs = [r[key] for r in runs]
        print(f'  {statistics.median(xs):5.2f} s  ({min(xs):.2f}-{max(xs):.2f})  {what}')


if __name__ == '__main__':
    main()
