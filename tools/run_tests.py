"""Run every notebook's always-run cells with `nbdev_test`, then `pytest` on tests/ if it holds tests.

nbdev_test prints only `Success.`, so this script runs it once per notebook (two at a time on
this 2-core machine) and counts: the last line is `N passed, N failed`, so a run that tested
nothing is visible. Exit status 1 if anything failed or nothing ran.
Usage: python tools/run_tests.py [NOTEBOOK ...]   (default: every nbs/*.ipynb)
"""
import os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parent.parent
bin_dir = Path(sys.executable).parent

def notebooks(args):
    if args: return [Path(a).resolve() for a in args]
    return sorted(p for p in (root/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))

def run_one(nb):
    "Run one notebook's always-run cells; return (name, ok, seconds, output)."
    start = time.time()
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS', '1'), MPLBACKEND='Agg')
    res = subprocess.run([str(bin_dir/'nbdev_test'), '--path', str(nb), '--do_print'], cwd=root,
                         capture_output=True, text=True, env=env)
    return nb.name, res.returncode == 0, time.time() - start, res.stdout + res.stderr

def main(args):
    passed = failed = 0
    workers = int(os.environ.get('RNN_NB_TEST_WORKERS', '2'))
    with ThreadPoolExecutor(workers) as pool:
        for name, ok, secs, out in pool.map(run_one, notebooks(args)):
            print(f'{"PASS" if ok else "FAIL"}  {name}  ({secs:.1f}s)', flush=True)
            if not ok: print('    ' + '\n    '.join(out.strip().splitlines()[-40:]), flush=True)
            passed, failed = passed + ok, failed + (not ok)
    tests = sorted((root/'tests').glob('test_*.py')) if not args else []
    if tests:
        res = subprocess.run([str(bin_dir/'python'), '-m', 'pytest', '-q', str(root/'tests')], cwd=root)
        ok = res.returncode == 0
        print(f'{"PASS" if ok else "FAIL"}  pytest tests/ ({len(tests)} files)', flush=True)
        passed, failed = passed + ok, failed + (not ok)
    print(f'{passed} passed, {failed} failed')
    return 1 if failed or not passed else 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
