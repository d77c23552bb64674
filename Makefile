# Two commands for a fresh clone: `make demo` and `make test`.
# Both create .venv when it is missing and install valuate into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v < (3, 13) else "valuate needs Python 3.10 to 3.12 (durable-rules does not import on 3.13); set PYTHON=python3.12 or similar")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/valuate check facts/samples/catalog.yaml --as-of 2026-11-28 --fail-on never

test: $(STAMP)
	$(BIN)/python -m pytest -rs  # -rs: say which tests were skipped, and why

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
