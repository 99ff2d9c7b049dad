# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: serve test lint typecheck pytest bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/stocksim serve --host $(HOST) --port $(PORT)

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check simulator tests bench

typecheck: $(STAMP)
	$(BIN)/mypy simulator

pytest: $(STAMP)
	$(BIN)/pytest

# The large profile of every generative test: schemathesis (300 examples per operation), the hypothesis state
# machines, the hostile corpus, crash-safety rounds. Counts are printed at the end and written under .reports/.
fuzz: $(STAMP)
	STOCKSIM_FUZZ=1 $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
