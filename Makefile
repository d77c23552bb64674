# Two commands for a fresh clone: `make demo` and `make test`.
# Both create .venv when it is missing and install valuate into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# durable-rules 2.0.28 has no wheels: pip builds its C code. Python 3.13
# removed PyEval_CallObject, which that code calls; it was only a macro for
# PyObject_CallObject, so defining it back lets the unchanged sources build.
# Harmless on 3.10-3.12, where the headers still define it (the same macro).
export CPPFLAGS := $(CPPFLAGS) -DPyEval_CallObject=PyObject_CallObject

.PHONY: demo test docs bench bench-peers clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "valuate needs Python 3.10 or later; set PYTHON=python3.12 or similar")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/valuate check facts/samples/catalog.yaml --as-of 2026-11-28 --fail-on never

# pytest itself, not `python -m pytest`: the latter puts the working directory
# on sys.path, where engine/ and cli.py would import as top-level modules.
test: $(STAMP)
	$(BIN)/pytest -rs  # -rs: say which tests were skipped, and why

# `make docs`: regenerate docs/reference/ from the code, then build the site into site/ with
# MkDocs and the Material theme (the `docs` extra, installed into .venv when missing);
# --strict makes every warning, a broken link or anchor among them, an error.
docs: $(STAMP)
	@$(BIN)/python -c 'import mkdocs, material' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[docs]'
	$(BIN)/python docs/tools/gen_reference.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(STAMP)
	$(BIN)/python -m bench

# `make bench-peers`: valuate against zen-engine, OPA Rego (regopy) and
# json-rules-engine (bench/peers/). The peers are not valuate's dependencies:
# they go into a venv of their own and bench/peers/node_modules, never .venv.
PEERS_VENV  := .venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed

$(PEERS_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "valuate needs Python 3.10 or later; set PYTHON=python3.12 or similar")'
	test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PEERS_VENV)/bin/python -m pip install --quiet -e . zen-engine regopy
	@touch $(PEERS_STAMP)

bench-peers: $(PEERS_STAMP)
	@command -v node >/dev/null || { echo "make bench-peers needs node and npm (json-rules-engine runs under node)"; exit 1; }
	if [ -f bench/peers/package-lock.json ]; then npm ci --prefix bench/peers --no-audit --no-fund; \
	else npm install --prefix bench/peers --no-audit --no-fund; fi
	$(PEERS_VENV)/bin/python -m bench.peers

clean:
	rm -rf $(VENV) .venv-peers site bench/peers/node_modules .pytest_cache .hypothesis build dist *.egg-info
