"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which this project cannot assume).

Markdown cells are copied as they are; visible code cells become ```python blocks followed by their
text output. Cells whose first lines carry `#| hide` are left out, and `#|` directive lines are dropped.
Usage: python tools/make_readme.py [--check]   (--check: exit 1 if README.md is not current)
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def _directives(src): return [l for l in src.splitlines() if l.startswith('#|')]

def _outputs(cell):
    for out in cell.get('outputs', []):
        text = out.get('text') or out.get('data', {}).get('text/plain')
        if text: yield ''.join(text).rstrip('\n')

def render(nb_path):
    parts = ['<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->']
    for cell in json.loads(nb_path.read_text(encoding='utf-8'))['cells']:
        src = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown': parts.append(src.strip()); continue
        if any(d.replace(' ', '') in ('#|hide', '#|include:false') for d in _directives(src)): continue
        code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
        parts.append(f'```python\n{code}\n```')
        parts += [f'```\n{out}\n```' for out in _outputs(cell)]
    return '\n\n'.join(parts) + '\n'

def main(args):
    readme, text = root/'README.md', render(root/'nbs'/'index.ipynb')
    if '--check' in args:
        if readme.read_text(encoding='utf-8') == text: return 0
        print('README.md is not current: run `python tools/make_readme.py` and commit it'); return 1
    readme.write_text(text, encoding='utf-8'); return 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
