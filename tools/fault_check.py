"""Hostile input, signals, full disks and divergence, end to end against the installed `rnn_nb` console script.

Each case runs the real command in a subprocess, bounded in time (a timeout) and in memory (RLIMIT_AS), and checks
what chapter 11's "Guarantees" promise: the exit status, one line on stderr and no traceback, and that no file that
should survive was changed. The full-disk case mounts a 200 KiB tmpfs, which needs root; elsewhere it says it was
skipped. `.ci/run` runs this script; by hand: `python tools/fault_check.py` (about a minute on 2 cores).
"""
import os, resource, shutil, signal, stat, subprocess, sys, tempfile, time
from pathlib import Path

SCRIPT = Path(sys.executable).parent/'rnn_nb'
TINY = ['--model', 'gru', '--hidden', '16', '--steps', '8', '--batch', '4', '--patience', '0']
MEMORY = 8 * 2**30  # address space per command: a case that tried to allocate a huge model would fail here, not swap the machine

def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

def rnn_nb(*args, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    "Run the console script; stdout and stderr captured as text unless redirected."
    kwargs.setdefault('stdout', subprocess.PIPE)
    return subprocess.run([str(SCRIPT), *map(str, args)], stderr=subprocess.PIPE, text=True, timeout=timeout,
                          preexec_fn=limit_memory, **kwargs)

def one_line(res, code) -> str | None:
    "None if `res` exited with `code` and printed exactly one line, without a traceback, on stderr; else what was wrong."
    if res.returncode != code: return f'exit status {res.returncode}, expected {code}: {res.stderr[-300:]!r}'
    if res.stderr.count('\n') != 1 or 'Traceback' in res.stderr: return f'stderr is not one line: {res.stderr[-300:]!r}'
    return None

def stop_with(sig, text, out) -> str | None:
    "Train until the first checkpoint appears, send `sig`; the last finished epoch must be saved, the status 128 + sig."
    proc = subprocess.Popen([str(SCRIPT), 'train', str(text), *TINY, '--epochs', '1000', '--out', str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit_memory)
    deadline = time.time() + 120
    while not out.exists() and proc.poll() is None and time.time() < deadline: time.sleep(0.2)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    if proc.returncode != 128 + sig: return f'exit status {proc.returncode}, expected {128 + sig}: {err[-300:]!r}'
    return None if 'saved epoch' in err and 'Traceback' not in err else f'unexpected stderr: {err[-300:]!r}'

def full_disk(text, work) -> str | None:
    "Train onto a 200 KiB tmpfs that already holds a small good checkpoint: one line, the old file intact, no temp file."
    mnt = work/'full'; mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', str(mnt)], capture_output=True).returncode:
        return 'skipped'
    try:
        small = rnn_nb('train', text, *TINY, '--epochs', '1', '--out', mnt/'m.ckpt')
        if small.returncode: return f'the small checkpoint did not fit: {small.stderr[-300:]!r}'
        before = (mnt/'m.ckpt').read_bytes()
        res = rnn_nb('train', text, *TINY, '--hidden', '256', '--epochs', '2', '--out', mnt/'m.ckpt')
        problem = one_line(res, 2)
        if problem: return problem
        if (mnt/'m.ckpt').read_bytes() != before: return 'the previous checkpoint changed'
        if sorted(p.name for p in mnt.iterdir()) != ['m.ckpt']: return f'left behind: {sorted(p.name for p in mnt.iterdir())}'
        return None
    finally: subprocess.run(['umount', str(mnt)], capture_output=True)

def main() -> int:
    if not SCRIPT.exists(): sys.exit(f'{SCRIPT} is missing: install the package first (pip install -e .)')
    from rnn_nb.data import time_machine_path
    work = Path(tempfile.mkdtemp(prefix='rnn_nb_faults_'))
    text = work/'small.txt'
    text.write_text(time_machine_path().read_text(encoding='utf-8')[:6000], encoding='utf-8')
    good = work/'good.ckpt'
    res = rnn_nb('train', text, *TINY, '--epochs', '1', '--out', good)
    if res.returncode: sys.exit(f'could not train the reference checkpoint: {res.stderr}')
    good_bytes, text_bytes = good.read_bytes(), text.read_bytes()
    os.mkfifo(work/'fifo')

    def unchanged(res, code=2):
        return one_line(res, code) or (None if good.read_bytes() == good_bytes and text.read_bytes() == text_bytes
                                       else 'a file that must survive was changed')
    def new_file_mode():
        old = os.umask(0o027)
        try: res = rnn_nb('train', text, *TINY, '--epochs', '1', '--out', work/'mode.ckpt', '--metrics-json', work/'mode.json')
        finally: os.umask(old)
        modes = [oct(stat.S_IMODE((work/n).stat().st_mode)) for n in ('mode.ckpt', 'mode.json')] if res.returncode == 0 else res.stderr
        return None if modes == ['0o640', '0o640'] else f'modes {modes}, expected 0o640 under umask 027'
    def closed_pipe():
        proc = subprocess.Popen([str(SCRIPT), 'generate', str(good), '--num-preds', '2000', '--num-samples', '50'],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limit_memory)
        proc.stdout.read(10); proc.stdout.close()
        err = proc.stderr.read(); proc.wait(timeout=120)
        return None if (proc.returncode, err) == (141, b'') else f'exit {proc.returncode}, stderr {err[-200:]!r}'
    def version_to_full():
        with open('/dev/full', 'w') as full: return one_line(rnn_nb('--version', stdout=full), 2)

    cases = {
        'a diverging run over a good checkpoint': lambda: unchanged(rnn_nb('train', text, *TINY, '--epochs', '2', '--optimizer', 'sgd',
                                                                          '--lr', '1e30', '--clip', '0', '--out', good)),
        '--metrics-json names the TEXT_FILE': lambda: unchanged(rnn_nb('train', text, *TINY, '--out', work/'x.ckpt', '--metrics-json', text)),
        '--metrics-json names --out': lambda: unchanged(rnn_nb('train', text, *TINY, '--out', good, '--metrics-json', good)),
        "--out ''": lambda: unchanged(rnn_nb('train', text, *TINY, '--out', '')),
        '--resume with flags it would ignore': lambda: unchanged(rnn_nb('train', '--resume', good, '--hidden', '64', '--epochs', '3')),
        'a full disk while saving': lambda: full_disk(text, work),
        'SIGTERM saves the last epoch (143)': lambda: stop_with(signal.SIGTERM, text, work/'term.ckpt'),
        'SIGHUP saves the last epoch (129)': lambda: stop_with(signal.SIGHUP, text, work/'hup.ckpt'),
        'new files follow the umask': new_file_mode,
        '/dev/zero as TEXT_FILE': lambda: unchanged(rnn_nb('train', '/dev/zero', *TINY, '--out', good, timeout=60)),
        'a FIFO nobody writes to as TEXT_FILE': lambda: unchanged(rnn_nb('train', work/'fifo', *TINY, '--out', good, timeout=60)),
        '--hidden 1000000000': lambda: unchanged(rnn_nb('train', text, '--hidden', '1000000000', '--steps', '8', '--batch', '4', '--out', good)),
        '--num-samples 10**8': lambda: unchanged(rnn_nb('generate', good, '--num-samples', str(10**8))),
        '--lr 1e300': lambda: unchanged(rnn_nb('train', text, *TINY, '--lr', '1e300', '--out', good)),
        'a text file as checkpoint': lambda: unchanged(rnn_nb('evaluate', text)),
        'generate | head': closed_pipe,
        '--version > /dev/full': version_to_full,
    }
    failed = skipped = 0
    for name, check in cases.items():
        try: problem = check()
        except subprocess.TimeoutExpired as e: problem = f'no answer within {e.timeout} s'
        skipped += problem == 'skipped'
        failed += problem not in (None, 'skipped')
        print(f'{"ok" if problem is None else problem if problem == "skipped" else "FAILED"}: {name}' + (f': {problem}' if problem not in (None, 'skipped') else ''), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print(f'{len(cases) - failed - skipped} passed, {failed} failed, {skipped} skipped')
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())
