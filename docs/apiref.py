"""The API entries of the docs site, written from the package itself (docs/build.py calls `entry`).

nbdev's `show_doc` markdown renders every class as `def Name(`, documents no method or property,
prints `NoneType` and module paths (`__main__.`, `torch._C.`) in signatures, and puts docments
inside a code block where their backticks become raw markdown links. Here each entry is made
from the imported object instead: a class shows as a class with its constructor signature and its
own public methods and properties (each with the anchor `_modidx.py` uses); parameters are listed
with their type, default and comment; docstrings and comments are escaped, so `<unk>`, `*` and
straight quotes show as written; only backticked names (as links when documented), `[text](url)`
links and `*emphasis*` between spaces are interpreted.
"""
import dataclasses, html, inspect, re

_PREFIX = re.compile(r'\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_]\w*)')  # `torch._C.Generator` -> `Generator`

def annotation(a):
    "A type annotation as a reader writes it: short class names, `None` for NoneType, `X | None`."
    if a is inspect.Parameter.empty: return None
    if a is type(None): return 'None'
    if isinstance(a, type) and not getattr(a, '__args__', None): return a.__qualname__
    s = a if isinstance(a, str) else inspect.formatannotation(a)
    return _PREFIX.sub('', s.replace('NoneType', 'None'))

def default(v):
    "A default value as it would be typed: functions by name, objects without a useful repr by type."
    if inspect.isfunction(v) or inspect.isclass(v): return v.__name__
    r = repr(v)
    return f'{type(v).__name__}(...)' if r.startswith('<') else r

# `*The Time Machine*`: emphasis only where a `*` opens after a space and closes before one, so the
# `*` of `steps*batch` or `2 * n` stays a `*`.
EMPHASIS = re.compile(r'(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])')

def _text_html(text): return EMPHASIS.sub(r'<em>\1</em>', html.escape(text, quote=False))

_TOKENS = re.compile(r'\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)|`(?P<code>[^`]+)`')

def code(text):
    "Inline code as Sphinx writes it: one span.pre per word, so a line breaks between words, never inside one."
    words = ' '.join(f'<span class="pre">{html.escape(w, quote=False)}</span>' for w in text.split(' '))
    return f'<code class="docutils literal notranslate">{words}</code>'

def inline(text, links):
    "Docstring or comment text as HTML: escaped as written; `name` is code (a link if documented), [t](u) a link."
    out, pos = [], 0
    for m in _TOKENS.finditer(text):
        out.append(_text_html(text[pos:m.start()])); pos = m.end()
        if m['code'] is not None:
            url = links.get(m['code'])
            out.append(f'<a class="reference internal" href="{url}">{code(m["code"])}</a>' if url else code(m['code']))
        else:
            out.append(f'<a class="reference internal" href="{html.escape(m["url"])}">{inline(m["text"], {})}</a>')
    out.append(_text_html(text[pos:]))
    return ''.join(out)

def _doc(obj):
    "The object's own docstring (a class without one does not borrow its base class's)."
    d = obj.__dict__.get('__doc__') if inspect.isclass(obj) else getattr(obj, '__doc__', None)
    return inspect.cleandoc(d) if d else ''

def _docments(f):
    try:
        from fastcore.docments import docments
        return docments(f)
    except (TypeError, OSError, ValueError): return {}

def _constructor(cls):
    "The function whose signature is the class's: its own `__init__`, or the nearest one in this package."
    for c in cls.__mro__:
        if '__init__' in c.__dict__:
            if c is cls or c.__module__.split('.')[0] == cls.__module__.split('.')[0]: return c.__init__
            return None  # inherited from a library class: say so rather than dump its signature
    return None

def signature(f, name, kind, commented=None):
    "(HTML of the signature line, parameter rows, return comment) for `f` shown as `kind name(...)`; comments from `commented` (default `f`)."
    sig = inspect.signature(f)
    params = [p for i, p in enumerate(sig.parameters.values()) if not (i == 0 and p.name in ('self', 'cls'))]
    comments = _docments(commented or f)
    parts, rows, star = [], [], False
    for p in params:
        if p.kind is p.KEYWORD_ONLY and not star: parts.append('*'); star = True
        pre = {p.VAR_POSITIONAL: '*', p.VAR_KEYWORD: '**'}.get(p.kind, '')
        if p.kind is p.VAR_POSITIONAL: star = True
        ann, dflt = annotation(p.annotation), (None if p.default is p.empty else default(p.default))
        eq = ' = ' if ann else '='  # PEP 8: `x: int = 0` but `x=None`
        s = html.escape(pre + p.name) + (f': {html.escape(ann)}' if ann else '') + \
            (f'{eq}{html.escape(dflt)}' if dflt is not None else '')
        parts.append(f'<span class="api-param">{s}</span>')
        rows.append((pre + p.name, ann, dflt, comments.get(p.name)))
    ret = annotation(sig.return_annotation) if kind != 'class' else None
    head = f'<span class="api-kw">{kind}</span> <span class="api-name">{html.escape(name)}</span>'
    line = head + '(' + ', '.join(parts) + ')' + (f' -&gt; {html.escape(ret)}' if ret else '')
    return line, rows, comments.get('return')

def _params_html(rows, ret_doc, links):
    if not any(c for *_, c in rows) and not ret_doc: return ''
    items = []
    for name, ann, dflt, comment in rows:
        meta = ''.join([f': <span class="api-type">{html.escape(ann)}</span>' if ann else '',
                        f' <span class="api-default">= {html.escape(dflt)}</span>' if dflt is not None else ''])
        items.append(f'<dt>{code(name)}{meta}</dt>'
                     f'<dd>{inline(comment, links) if comment else ""}</dd>')
    if ret_doc: items.append(f'<dt>returns</dt><dd>{inline(ret_doc, links)}</dd>')
    return '<dl class="api-params">' + ''.join(items) + '</dl>'

def _doc_html(doc, links):
    return ''.join(f'<p class="api-doc">{inline(" ".join(par.split()), links)}</p>' for par in re.split(r'\n\s*\n', doc) if par.strip())

def _block(kind_class, sig_line, body):
    # One HTML block with no blank line inside, so Markdown passes it through untouched.
    return f'<div class="api {kind_class}"><pre class="api-sig">{sig_line}</pre>{body}</div>'

def _heading(level, anchor, title, known):
    cls = 'api-entry' if known else 'api-member'
    return f'<span id="{anchor}" class="{cls}"></span>\n\n{"#" * level} {title}\n\n'

def members(cls):
    "The class's own public methods and properties, in definition order (dataclass fields are in its signature)."
    fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    out = []
    for k, v in cls.__dict__.items():
        if k.startswith('_') or k in fields: continue
        if isinstance(v, (staticmethod, classmethod)): v = v.__func__
        if isinstance(v, property) or inspect.isfunction(v): out.append((k, v))
    return out

def entry(obj, name, anchor, links, known_anchors, level=3):
    "Markdown (headings and raw HTML blocks) for one documented name: a function, or a class with its members."
    if not inspect.isclass(obj):
        line, rows, ret = signature(obj, name, 'def')
        return _heading(level, anchor, name, True) + _block('api-function', line, _doc_html(_doc(obj), links) + _params_html(rows, ret, links)) + '\n'
    bases = [b for b in obj.__bases__ if b is not object]
    init = _constructor(obj)
    # A dataclass's generated __init__ has no source: its fields' comments are on the class.
    if init is not None: line, rows, ret = signature(init, name, 'class', obj if dataclasses.is_dataclass(obj) else None)
    else: line, rows, ret = f'<span class="api-kw">class</span> <span class="api-name">{html.escape(name)}</span>(...)', [], None
    body = _doc_html(_doc(obj), links)
    if bases: body += '<p class="api-bases">Bases: ' + ', '.join(code(annotation(b)) for b in bases) + '</p>'
    if init is None and bases:
        body += f'<p class="api-doc">Constructed as {code(bases[0].__module__.split(".")[0])}\'s {code(bases[0].__qualname__)}, with its arguments.</p>'
    body += _params_html(rows, None, links)
    out = _heading(level, anchor, name, True) + _block('api-class', line, body) + '\n'
    for k, v in members(obj):
        a = f'{anchor}.{k.lower()}'
        title = f'{name}.{k}'
        if isinstance(v, property):
            ann = annotation(inspect.signature(v.fget).return_annotation) if v.fget else None
            line = f'<span class="api-kw">property</span> <span class="api-name">{html.escape(title)}</span>' + (f': {html.escape(ann)}' if ann else '')
            body = _doc_html(_doc(v.fget) if v.fget else '', links)
        else:
            line, rows, ret = signature(v, title, 'def')
            body = _doc_html(_doc(v), links) + _params_html(rows, ret, links)
        out += '\n' + _heading(level + 1, a, title, a in known_anchors) + _block('api-method', line, body) + '\n'
    return out
