"""Training on more than one process (chapter 07, "More than one process"; the command line is chapter 11, the one-call run chapter 10).

- Two CPU processes under `torchrun` (gloo, DistributedDataParallel) train exactly as one process does on
  the same data: the same per-epoch perplexities, the same final metrics, the same weights, within float
  tolerance (the two halves of each minibatch are summed in a different order than the whole).
- Where CUDA exists, a run continued on the GPU matches the same run continued on the CPU; elsewhere the
  test is skipped with its reason (pytest.ini's -rs prints it).
The single-process reference runs in-process (`rnn_nb.cli.main`), the 2-process run through torchrun's
console script, as a user would start it.
"""
import contextlib, io, json, os, subprocess, sys
from pathlib import Path
import pytest, torch

from rnn_nb.cli import main
from rnn_nb.data import time_machine_path
from rnn_nb.checkpoints import load_checkpoint

TORCHRUN = Path(sys.executable).parent/'torchrun'
TINY = ['--hidden', '16', '--batch', '8', '--steps', '16', '--epochs', '2', '--patience', '0', '--seed', '0']
CLIP = ['--clip', '0.01']  # below every gradient norm of these runs: each step is clipped, after DDP's all-reduce

@pytest.fixture(scope='module')
def text(tmp_path_factory):
    "The book's first 12,000 characters: enough for two tiny epochs."
    path = tmp_path_factory.mktemp('dist')/'small.txt'
    path.write_text(time_machine_path().read_text(encoding='utf-8')[:12000], encoding='utf-8')
    return path

@pytest.fixture
def one_thread():
    "One intra-op thread, as each torchrun worker has (OMP_NUM_THREADS=1): on 2 busy cores two threads crawl."
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

def run_main(*argv) -> tuple[int, str, str]:
    "Call the command line in-process; return (exit status, stdout, stderr)."
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()

MODELS = ['gru', 'fast']  # an nn.Module, and chapter 01a's functional model (wrapped in ParamsModule)

def flags(text, model):
    "Both runs in float32, so that they may differ by summation order only (bf16 rounding, ~1e-3 relative, would swamp it)."
    precision = ['--precision', 'fp32'] if model == 'fast' else []
    return [text, '--model', model, *precision, *TINY, *CLIP, '--device', 'cpu']

@pytest.fixture(scope='module')
def two_process_runs(text, tmp_path_factory):
    """Start one 2-process torchrun per model at once (each costs ~10 s of start-up: torch imported by torchrun and by
    both workers), so that they overlap with each other and with the one-process references run in-process."""
    out = tmp_path_factory.mktemp('two')
    env = dict(os.environ, OMP_NUM_THREADS='1')
    procs = {m: subprocess.Popen([str(TORCHRUN), '--nproc-per-node', '2', '-m', 'rnn_nb.cli', 'train', *map(str, flags(text, m)),
                                  '--out', str(out/f'{m}.ckpt'), '--metrics-json', str(out/f'{m}.json')],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for m in MODELS}
    yield out, procs
    for p in procs.values():
        if p.poll() is None: p.kill(); p.communicate()

def tensors(ckpt_path) -> dict:
    ckpt = load_checkpoint(ckpt_path)
    return ckpt['state_dict'] if 'state_dict' in ckpt else dict(enumerate(ckpt['params']))

def assert_same_run(a: dict, b: dict, ckpt_a, ckpt_b, rtol, atol):
    "Two metrics JSONs and checkpoints of the same run: equal history, final metrics and weights within tolerance."
    for key in ('train_ppl', 'val_ppl'): assert a['history'][key] == pytest.approx(b['history'][key], rel=rtol), key
    for key in ('train', 'val'): assert a[key]['perplexity'] == pytest.approx(b[key]['perplexity'], rel=rtol), key
    ta, tb = tensors(ckpt_a), tensors(ckpt_b)
    assert ta.keys() == tb.keys()
    for k in ta: torch.testing.assert_close(ta[k], tb[k], rtol=0, atol=atol, msg=lambda m: f'{k}: {m}')

@pytest.mark.parametrize('model', MODELS)
def test_two_processes_equal_one(text, tmp_path, one_thread, two_process_runs, model):
    rc, out, err = run_main('train', *flags(text, model), '--out', tmp_path/'one.ckpt', '--metrics-json', tmp_path/'one.json')
    assert rc == 0, err
    two_dir, procs = two_process_runs
    stdout, stderr = procs[model].communicate(timeout=300)
    assert procs[model].returncode == 0, stdout[-2000:] + stderr[-3000:]
    assert stdout.count('epoch 2/2') == 1 and stdout.count('sample: ') == 1  # only rank 0 prints, and its report is complete
    one, two = json.loads((tmp_path/'one.json').read_text()), json.loads((two_dir/f'{model}.json').read_text())
    assert (one['processes'], two['processes']) == (1, 2)
    assert_same_run(one, two, tmp_path/'one.ckpt', two_dir/f'{model}.ckpt', rtol=1e-5, atol=1e-5)

@pytest.mark.parametrize('rank', [0, 1])
def test_bad_batch_one_line_once(text, tmp_path, monkeypatch, rank):
    "--batch is the global batch and must split evenly: a one-line error before any process group is joined, printed by rank 0 only."
    for name, value in (('RANK', rank), ('WORLD_SIZE', 2), ('LOCAL_RANK', rank)): monkeypatch.setenv(name, str(value))
    rc, out, err = run_main('train', text, *TINY, '--batch', '7', '--device', 'cpu', '--out', tmp_path/'x.ckpt')
    assert rc == 2 and out == ''
    expected = ('rnn_nb: error: --batch 7 must be a multiple of the 2 processes: it is the global batch, split evenly '
                'among them (e.g. --batch 6)\n')
    assert err == (expected if rank == 0 else '')
    assert not (tmp_path/'x.ckpt').exists()

def continued_on(device, text, tmp_path):
    "Train one epoch on the CPU, then continue it to epoch 3 on `device`; return the metrics and the checkpoint path."
    start = tmp_path/'start.ckpt'
    if not start.exists():
        rc, _, err = run_main('train', text, '--model', 'fast', '--precision', 'fp32', *TINY, '--epochs', '1', '--device', 'cpu', '--out', start)
        assert rc == 0, err
    ckpt, metrics = tmp_path/f'{device}.ckpt', tmp_path/f'{device}.json'
    rc, _, err = run_main('train', '--resume', start, '--epochs', '3', '--device', device, '--out', ckpt, '--metrics-json', metrics)
    assert rc == 0, err
    return json.loads(metrics.read_text()), ckpt

@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA GPU: torch.cuda.is_available() is False on this machine')
def test_gpu_matches_cpu(text, tmp_path, one_thread):
    "The same run continued from the same checkpoint on the GPU and on the CPU (fp32 matmuls: no TF32, no bf16)."
    cpu, cpu_ckpt = continued_on('cpu', text, tmp_path)
    gpu, gpu_ckpt = continued_on('cuda', text, tmp_path)
    assert gpu['device'].startswith('cuda')
    assert_same_run(cpu, gpu, cpu_ckpt, gpu_ckpt, rtol=1e-3, atol=1e-3)
