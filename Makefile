# rnn_nb: the two Quick-start commands (see README.md) and the pieces they are made of.
#   make run   set up .venv, then run the main job on the bundled Time Machine
#   make test  set up .venv, then run every notebook's tests (what .ci/run calls)
# Both are idempotent: the venv is rebuilt only when settings.ini or setup.py change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test
setup: $(STAMP)

# torch first, from the local CPU wheel: a bare `torch` requirement would pull a multi-GB CUDA build.
$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python tools/main_job.py

test: $(STAMP)
	$(BIN)/python tools/run_tests.py
