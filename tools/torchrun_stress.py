"""Run the two-process `rnn_nb train` under torchrun N times in a row and count the clean exits.

A clean exit is exit status 0 with rank 0's whole report printed (its `sample:` line) and no abort message from any
process. This is the check for the shutdown of chapter 07's `process_group` (issue: a worker aborting at exit with
`terminate called without an active exception` while rank 0 was still reporting). It is a script to run by hand,
not a test: it takes about 15 s a run on 2 cores.
Usage: python tools/torchrun_stress.py [--runs 20] [--model gru]
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

ABORTS = ('terminate called', 'SIGABRT', 'Traceback', 'ChildFailedError')

def one_run(torchrun: Path, text: Path, out: Path, model: str) -> tuple[bool, str]:
    "One 2-process run; (clean, why not)."
    cmd = [str(torchrun), '--nproc-per-node', '2', '-m', 'rnn_nb.cli', 'train', str(text), '--model', model, '--hidden', '16',
           '--batch', '8', '--steps', '16', '--epochs', '2', '--patience', '0', '--seed', '0', '--device', 'cpu', '--out', str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'), timeout=600)
    found = [a for a in ABORTS if a in res.stdout + res.stderr]
    if res.returncode != 0 or found or 'sample: ' not in res.stdout:
        errors = [line for line in res.stderr.splitlines() if 'Error' in line or 'terminate' in line or 'exitcode' in line]
        return False, f'exit {res.returncode}, report printed: {"sample: " in res.stdout}, found: {found}\n' + '\n'.join(errors[:12])
    return True, ''

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--model', default='gru', choices=('gru', 'fast'))
    args = parser.parse_args()
    torchrun = Path(sys.executable).parent/'torchrun'
    from rnn_nb.data import time_machine_path
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp)/'small.txt'
        text.write_text(time_machine_path().read_text(encoding='utf-8')[:12000], encoding='utf-8')
        clean, t0 = 0, time.time()
        for i in range(1, args.runs + 1):
            ok, why = one_run(torchrun, text, Path(tmp)/f'run{i}.ckpt', args.model)
            clean += ok
            print(f'run {i:2d}/{args.runs}: {"clean" if ok else "FAILED: " + why}', flush=True)
    print(f'{clean}/{args.runs} clean exits ({time.time() - t0:.0f} s)')
    return 0 if clean == args.runs else 1

if __name__ == '__main__': sys.exit(main())
