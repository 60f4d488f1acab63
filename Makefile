# rnn_nb: the two Quick-start commands (see README.md) and the pieces they are made of.
#   make run   set up .venv, then run the main job: `rnn_nb train` on the bundled Time Machine with the defaults
#   make test  set up .venv, then run every notebook's tests (what .ci/run calls)
#   make docs  set up .venv and the docs tools, then build the site into docs/_build/html/ (offline)
# Both are idempotent: the venv is rebuilt only when settings.ini or setup.py change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test docs
setup: $(STAMP)

# torch first, from the local CPU wheel: a bare `torch` requirement would pull a multi-GB CUDA build.
$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rnn_nb train

test: $(STAMP)
	$(BIN)/python tools/run_tests.py

# The docs site (docs/README.md): Sphinx + myst-nb + furo into .venv, MathJax 3 fetched once from
# the npm registry into docs/_cache/ (git-ignored); the built pages load nothing from the network.
DOCS_STAMP := $(VENV)/.docs-installed
MATHJAX    := docs/_cache/mathjax-3.2.2.tgz
$(DOCS_STAMP): $(STAMP) docs/requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r docs/requirements.txt
	touch $(DOCS_STAMP)
$(MATHJAX):
	mkdir -p docs/_cache && cd docs/_cache && npm pack --silent mathjax@3.2.2 >/dev/null
docs: $(DOCS_STAMP) $(MATHJAX)
	$(BIN)/python docs/build.py --mathjax $(MATHJAX)

# Throughput against the book's own code (d2l 0.17.6, installed with --no-deps into .bench/).
.PHONY: bench
bench: $(STAMP)
	test -d .bench/d2l || $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --target .bench d2l==0.17.6
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/end_of_run.py
