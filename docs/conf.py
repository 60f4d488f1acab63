"""Sphinx configuration for the offline docs site; docs/build.py writes the sources and runs Sphinx.

Metadata comes from settings.ini. Nothing is fetched when a page is viewed: furo's assets and
MathJax (copied by build.py into docs/_build/static/mathjax/) are served from _static/.
"""
import configparser
from pathlib import Path

_root = Path(__file__).resolve().parent.parent
_cfg = configparser.ConfigParser(delimiters=['='])
_cfg.read(_root/'settings.ini', encoding='utf-8')
_cfg = _cfg['DEFAULT']

project = _cfg['lib_name']
author = _cfg['author']
copyright = _cfg['copyright']
release = version = _cfg['version']

extensions = ['myst_nb']
nb_execution_mode = 'off'           # notebooks carry the outputs of real runs; the site shows those
nb_merge_streams = True
myst_enable_extensions = ['dollarmath', 'amsmath']
myst_all_links_external = True      # links between pages are plain `page.html#anchor` links
exclude_patterns = ['**.ipynb_checkpoints']

html_theme = 'furo'
html_title = f'{project} {version}'
html_static_path = [str(_root/'docs'/'_build'/'static')]  # MathJax and site.css, put there by build.py
html_css_files = ['site.css']
html_copy_source = False
html_show_sourcelink = False
html_use_index = False              # the API entries are raw HTML, so Sphinx's index would be empty
smartquotes = False                 # text as written: 'd2l' and "--help" stay pasteable
mathjax_path = 'mathjax/tex-chtml.js'  # relative to _static/: the local copy, never a CDN
# textmacros: `\_` and friends inside `\text{...}` (e.g. $\text{num\_steps}$) render as in LaTeX.
mathjax3_config = {'loader': {'load': ['[tex]/textmacros']}, 'tex': {'packages': {'[+]': ['textmacros']}}}
