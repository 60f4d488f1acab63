"""Build the documentation site from the notebooks, offline: nbs/*.ipynb -> docs/_build/html/.

nbdev's own route (`nbdev_docs`) needs Quarto. This script keeps nbdev's notebook processing and
swaps Quarto for Sphinx + myst-nb + furo:
  1. `nbdev.serve.proc_nbs` writes `_proc/`: `#| hide` cells gone, `show_doc` rendered to markdown,
     the first cell turned into front matter (title, description, output-file).
  2. Each processed notebook becomes a plain notebook in docs/_build/src/, named after its
     front matter's `output-file` (so pages match the links in rnn_nb/_modidx.py): title and
     description restored as `# title` / `> description`, `#|` lines stripped (`echo: false`
     becomes myst-nb's `remove-input` tag), Quarto's link attributes turned into HTML, links to
     the published site made relative, an anchor per `show_doc` heading with nbdev's id; each
     `show_doc` entry rewritten by docs/apiref.py from the object itself; test-only cells
     collapsed under "Tests"; a few of nbdev's name links sent where the words mean (RETARGET).
  3. MathJax 3 (from the npm tarball that `make docs` fetches once) goes under `_static/mathjax/`.
  4. `sphinx-build -W` with docs/conf.py; the sidebar follows the notebooks' order (index first).
     Then the search page gets the pages' text (offline_search), so it quotes snippets from disk,
     and docs/_build/pages.json records which notebook became which page (the tests read it).
Usage: python docs/build.py [--mathjax TARBALL]   (default tarball: docs/_cache/mathjax-*.tgz)
"""
import argparse, ast, configparser, json, os, re, shutil, subprocess, sys, tarfile
from pathlib import Path
import yaml

root = Path(__file__).resolve().parent.parent
docs = root/'docs'
build = docs/'_build'
src_dir, html_dir, static_dir = build/'src', build/'html', build/'static'

def settings():
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(root/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def notebooks():
    "Notebooks in sidebar order: index first, then by file name (00_data, 01_scratch, ...)."
    nbs = [p for p in (root/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.'))]
    return sorted(nbs, key=lambda p: (p.stem != 'index', p.name))

def process_with_nbdev():
    "Run nbdev's show_doc/front-matter processing into _proc/ (from scratch, so nothing is stale)."
    from nbdev.serve import proc_nbs
    os.chdir(root)  # nbdev finds settings.ini from the working directory
    # No cell mixes imports with other code (nbdev's rule, which it warns about here), so nothing is silenced.
    return Path(proc_nbs(n_workers=2, force=True))

# --- turning one processed notebook into a plain one --------------------------------------------

_DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')
_QUARTO_LINK = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)\{([^}]*)\}')
_HEADING = re.compile(r'^(#{2,4}) (\S.*)$', re.M)

def _directives(src):
    "Split a code cell's source into its `#|` directives (dict) and the remaining code."
    opts, code = {}, []
    for line in src.splitlines():
        m = _DIRECTIVE.match(line)
        if m: opts[m.group(1)] = m.group(2).lower()
        else: code.append(line)
    return opts, '\n'.join(code).strip('\n')

def _local_links(text, site):
    "Links to the published site become relative links between the offline pages."
    return text.replace(site + '/', '')

def _quarto_links(text):
    "`[text](url){target=... style=...}` -> an HTML link (external links open in a new tab)."
    def link(m):
        label, url, attrs = m.groups()
        if 'target=' not in attrs: return f'[{label}]({url})'
        cls = ' class="sourcelink"' if label == 'source' else ''
        return f'<a href="{url}"{cls} target="_blank" rel="noopener">{label}</a>'
    return _QUARTO_LINK.sub(link, text)

# nbdev links every backticked name to the function of that name. Where the words mean something
# else, the link goes where they mean: the model kind `rnn` (any page but chapter 01's, where
# `rnn` is the function) to the section of chapter 05 that registers it, and `train`, `generate`
# and `evaluate` where they are the commands (the home page; chapter 11, but for the arguments of
# the function and the scripts calling it; "chapter 11's generate") to the command-line chapter.
_COMMAND = r'\[`(train|generate|evaluate)`\]\((?:training\.html#train|prediction\.html#generate|prediction\.html#evaluate)\)'
RETARGET = [
    (lambda page: page != 'scratch', r'\[`rnn`\]\(scratch\.html#rnn\)', '[`rnn`](concise.html#the-kinds-rnn-gru-and-lstm)'),
    (lambda page: page == 'index', _COMMAND, r'[`\1`](cli.html#the-three-commands)'),
    (lambda page: page == 'cli', r'(?<!arguments of )(?<!calling )' + _COMMAND, r'[`\1`](cli.html#the-three-commands)'),
    (lambda page: True, r"(chapter 11's )" + _COMMAND, r'\1[`\2`](cli.html#the-three-commands)'),
]

def _retarget(text, page):
    for applies, pattern, repl in RETARGET:
        if applies(page): text = re.sub(pattern, repl, text)
    return text

def _show_doc_markdown(md):
    "nbdev's show_doc markdown, made plain: no leading rule, HTML source link, nbdev's anchor ids."
    md = re.sub(r'^\s*---\s*\n', '', md)
    md = _quarto_links(md)
    # Quarto gives each heading the id nbdev puts in _modidx.py (`data.html#seqdataloader.__init__`);
    # docutils would turn `_` and `.` into `-`, so each heading gets an explicit anchor.
    return _HEADING.sub(lambda m: f'<span id="{m.group(2).strip().lower()}" class="api-entry"></span>\n\n{m.group(1)} {m.group(2)}', md, count=1)

def _text(x): return ''.join(x) if isinstance(x, list) else x

def _front_matter(cell):
    src = _text(cell['source']).strip()
    if cell['cell_type'] != 'raw' or not src.startswith('---'): return None
    return yaml.safe_load(src.strip('-\n')) or {}

_SHOW_DOC = re.compile(r'^show_doc\(\s*([\w.]+)\s*\)$')

class Api:
    "What the API entries need: each page's module, and the link of every documented name (from `_modidx.py`)."
    def __init__(self):
        from rnn_nb._modidx import d
        self.module, self.anchors, self.by_name = {}, set(), {}
        for mod, syms in d['syms'].items():
            for full, (link, _) in syms.items():
                page, anchor = link.split('#')
                self.module[page], name = mod, full[len(mod) + 1:]
                self.anchors.add(link)
                if not any(part.startswith('_') for part in name.split('.')): self.by_name.setdefault(name, {})[mod] = link

    def links(self, page):
        "Name -> link as seen from `page`: its own module's name first, else a name only one module has."
        mod = self.module.get(page)
        links = {name: mods.get(mod) or next(iter(mods.values())) for name, mods in self.by_name.items()
                 if mod in mods or len(mods) == 1}
        if page == 'cli.html':  # in chapter 11's docstrings `train`, `generate`, `evaluate` are the commands
            links.update({c: 'cli.html#the-three-commands' for c in ('train', 'generate', 'evaluate')})
        return links

    def entry(self, page, name):
        "The entry's markdown for `name` (as in `show_doc(name)`) on `page.html`, or None if it is not in the package."
        import importlib
        from apiref import entry
        mod = self.module.get(f'{page}.html')
        if mod is None: return None
        obj = importlib.import_module(mod)
        for part in name.split('.'): obj = getattr(obj, part, None)
        if obj is None: return None
        known = {l.split('#')[1] for l in self.anchors if l.startswith(f'{page}.html#')}
        return entry(obj, name, name.lower(), self.links(f'{page}.html'), known)

_TEST_CALL = re.compile(r'^(test_\w+|fails_with)$')

def is_test_cell(code, outputs):
    "A cell that only checks: it asserts or calls a fastcore test (`test_eq`, `test_fail`, ...) and shows nothing."
    if any(o.get('output_type') != 'error' for o in outputs): return False
    try: tree = ast.parse(code)
    except SyntaxError: return False
    return any(isinstance(n, ast.Assert) or isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
               and _TEST_CALL.match(n.func.id) for n in ast.walk(tree))

# A test cell is kept on the page (the tests are part of the chapter) but collapsed under "Tests".
TEST_CELL_META = {'tags': ['hide-cell'], 'mystnb': {'code_prompt_show': 'Tests', 'code_prompt_hide': 'Tests'}}

def plain_notebook(nb, site, api=None):
    "Return (page name, title, notebook) for a notebook processed by nbdev."
    cells, fm = nb['cells'], None
    if cells and (fm := _front_matter(cells[0])) is not None: cells = cells[1:]
    fm = fm or {}
    out, page = [], Path(fm.get('output-file') or '').stem
    if 'title' in fm:
        head = f'# {fm["title"]}' + (f'\n\n> {fm["description"]}' if fm.get('description') else '')
        out.append({'cell_type': 'markdown', 'metadata': {}, 'source': head})
    for cell in cells:
        src = _text(cell['source'])
        if cell['cell_type'] == 'markdown':
            if src.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
            out.append({'cell_type': 'markdown', 'metadata': {}, 'source': _retarget(_quarto_links(_local_links(src, site)), page)})
        elif cell['cell_type'] == 'code':
            opts, code = _directives(src)
            if opts.get('include') == 'false' or 'hide' in opts: continue
            tags = (['remove-input'] if opts.get('echo') == 'false' else []) + \
                   (['remove-output'] if opts.get('output') == 'false' else [])
            outputs = [_plain_output(o, site) for o in cell.get('outputs', [])]
            if api and (m := _SHOW_DOC.match(code)) and (md := api.entry(page, m.group(1))):
                outputs = [{'output_type': 'display_data', 'metadata': {}, 'data': {'text/markdown': md}}]
            if not code and not outputs: continue
            meta = {'tags': tags} if tags else {}
            if not tags and is_test_cell(code, outputs): meta = TEST_CELL_META
            out.append({'cell_type': 'code', 'metadata': meta, 'source': code,
                        'execution_count': None, 'outputs': outputs})
    title = fm.get('title') or next((l[2:] for c in out for l in c['source'].splitlines() if l.startswith('# ')), None)
    name = page
    for i, cell in enumerate(out): cell['id'] = f'c{i:03d}'  # nbformat 4.5 wants cell ids
    meta = {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'},
            'language_info': {'name': 'python'}}
    return name, title, {'cells': out, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}

def _plain_output(o, site):
    o = dict(o)
    o.pop('execution_count', None)
    if o['output_type'] == 'execute_result': o['output_type'], o['metadata'] = 'display_data', o.get('metadata', {})
    data = o.get('data')
    if data and 'text/markdown' in data:
        md = _local_links(_text(data['text/markdown']), site)
        o['data'] = {'text/markdown': _show_doc_markdown(md) if md.lstrip().startswith('---') else _quarto_links(md)}
    return o

# --- the site ------------------------------------------------------------------------------------

def write_sources(proc, cfg):
    "Write docs/_build/src/<page>.ipynb for every notebook in nbs/; return the manifest, in sidebar order."
    site = (cfg['doc_host'] + cfg['doc_baseurl']).rstrip('/')
    shutil.rmtree(src_dir, ignore_errors=True); src_dir.mkdir(parents=True)
    pages, sources, api = [], [], Api()
    for nb_path in notebooks():
        nb = json.loads((proc/nb_path.name).read_text(encoding='utf-8'))
        name, title, plain = plain_notebook(nb, site, api)
        name = name or nb_path.stem
        if not title: sys.exit(f'{nb_path.name}: no title (its first cell should be `# Title` and `> summary`)')
        if name in [p for p, _, _ in pages]: sys.exit(f'{nb_path.name}: page name {name!r} is used twice')
        pages.append((name, title, plain)); sources.append(nb_path.name)
    if not pages or pages[0][0] != 'index': sys.exit('nbs/index.ipynb (output-file index.html) is needed for the home page')
    # A hidden toctree on the home page puts every chapter in the sidebar, in notebook order.
    toc = '```{toctree}\n:hidden:\n:maxdepth: 1\n\n' + '\n'.join(p for p, _, _ in pages[1:]) + '\n```'
    pages[0][2]['cells'].append({'cell_type': 'markdown', 'id': 'toctree', 'metadata': {}, 'source': toc})
    for name, _, plain in pages:
        (src_dir/f'{name}.ipynb').write_text(json.dumps(plain, indent=1, ensure_ascii=False), encoding='utf-8')
    # The manifest (docs/_build/pages.json, which the tests read): which notebook became which page.
    return [{'notebook': f'nbs/{nb}', 'page': f'{p}.html', 'title': t} for nb, (p, t, _) in zip(sources, pages)]

MATHJAX_PARTS = ('es5/tex-chtml.js', 'es5/output/chtml/fonts/woff-v2/', 'es5/input/tex/extensions/',
                 'es5/a11y/', 'es5/ui/', 'es5/sre/', 'LICENSE')

def install_static(tarball):
    "The site's own static files: site.css, and the parts of MathJax 3 the pages use (from its npm tarball)."
    static_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(docs/'site.css', static_dir/'site.css')
    dest = static_dir/'mathjax'
    shutil.rmtree(dest, ignore_errors=True); dest.mkdir(parents=True)
    with tarfile.open(tarball) as tar:
        for m in tar.getmembers():
            rel = m.name.removeprefix('package/')
            if not m.isfile() or not rel.startswith(MATHJAX_PARTS): continue
            target = dest/rel.removeprefix('es5/')
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(m).read())
    if not (dest/'tex-chtml.js').exists(): sys.exit(f'{tarball}: no es5/tex-chtml.js inside; is it MathJax 3?')

_ARTICLE = re.compile(r'<article[^>]*role="main"[^>]*>(.*?)</article>', re.S)
_DROP = re.compile(r'<(script|style)\b.*?</\1>|<img\b[^>]*>', re.S)

def offline_search(pages):
    "Sphinx's search page, working from disk: the pages' main text in _static/page-text.js, and search-offline.js to serve it."
    texts = {}
    for p in pages:
        m = _ARTICLE.search((html_dir/p['page']).read_text(encoding='utf-8'))
        texts[p['page']] = _DROP.sub('', m.group(1)) if m else ''
    (html_dir/'_static'/'page-text.js').write_text('window.RNN_NB_PAGES = ' + json.dumps(texts) + ';\n', encoding='utf-8')
    shutil.copy(docs/'search-offline.js', html_dir/'_static'/'search-offline.js')
    search = html_dir/'search.html'
    tag = '<script src="_static/searchtools.js"></script>'
    page = search.read_text(encoding='utf-8')
    if tag not in page: sys.exit(f'{search}: no {tag}; has Sphinx changed its search page?')
    ours = '<script src="_static/page-text.js"></script>\n<script src="_static/search-offline.js"></script>\n'
    search.write_text(page.replace(tag, ours + tag), encoding='utf-8')

def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--mathjax', type=Path, help='npm tarball of MathJax 3 (default: docs/_cache/mathjax-*.tgz)')
    args = ap.parse_args(argv)
    tarball = args.mathjax or max((docs/'_cache').glob('mathjax-3*.tgz'), default=None)
    if not tarball or not tarball.exists():
        sys.exit('MathJax tarball missing: run `make docs` (it runs `npm pack mathjax@3` into docs/_cache/ once)')
    (build/'pages.json').unlink(missing_ok=True)
    proc = process_with_nbdev()
    pages = write_sources(proc, settings())
    install_static(tarball)
    shutil.rmtree(html_dir, ignore_errors=True)
    cmd = [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-b', 'html', '-d', str(build/'doctrees'),
           '-c', str(docs), str(src_dir), str(html_dir)]
    res = subprocess.run(cmd, cwd=root)
    if res.returncode: return res.returncode
    offline_search(pages)
    (build/'pages.json').write_text(json.dumps(pages, indent=1) + '\n', encoding='utf-8')
    print(f'{len(pages)} pages: ' + ', '.join(p['page'] for p in pages))
    print(f'open {html_dir/"index.html"}')
    return 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
