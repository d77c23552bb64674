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

.PHONY: demo test bench clean

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

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist *.egg-info
