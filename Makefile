# Two commands on a fresh machine: `make serve` and `make test`. Prerequisites: Python 3.11 or newer, and make.
# Installs come from the committed uv.lock: uv is bootstrapped with pip into .tools/ (kept apart from .venv, which
# `uv sync` makes match the lock exactly), then `uv sync --frozen` installs the locked versions into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
UV_VERSION := 0.13.9
UV := $(TOOLS)/bin/uv
# --compile-bytecode: the installed packages' .pyc are written once, at install. Without them every process
# (each `stocksim serve`, each test's server) compiles starlette, click, yaml... from source again whenever
# PYTHONDONTWRITEBYTECODE is set, as on CI machines and in many containers: about 1 s of each start.
SYNC := UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --compile-bytecode --python $(PYTHON) --quiet
# Our own sources (an editable install, which uv does not compile): brought up to date before a server starts.
COMPILE := $(BIN)/python -m compileall -q -j 0 simulator bench >/dev/null
# make serve PORT=9000 HOST=0.0.0.0; STOCKSIM_PORT / STOCKSIM_HOST are honoured when these are not given.
HOST ?= $(or $(STOCKSIM_HOST),127.0.0.1)
PORT ?= $(or $(STOCKSIM_PORT),8080)
# make cluster WORKERS=3: the front (nginx) on HOST:PORT, the workers on the next ports, their --db files in .cluster/.
WORKERS ?= 2

.PHONY: serve cluster test lint typecheck pytest bench fuzz soak test-latest clean

# ensurepip (a plain `python -m venv`) takes seconds: the system's pip installs uv when there is one (pip >= 22.3).
$(UV):
	$(PYTHON) -m venv --without-pip $(TOOLS)
	$(PYTHON) -m pip --python $(TOOLS)/bin/python install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
	  || { $(TOOLS)/bin/python -m ensurepip --default-pip >/dev/null \
	       && $(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }

# Runtime only: what `make serve` needs. --inexact keeps the test extras if `make test` installed them.
$(VENV)/.runtime-stamp: pyproject.toml uv.lock | $(UV)
	$(SYNC) --inexact
	touch $@

$(VENV)/.test-stamp: pyproject.toml uv.lock | $(UV)
	$(SYNC) --extra test
	touch $@ $(VENV)/.runtime-stamp

serve: $(VENV)/.runtime-stamp
	$(COMPILE)
	$(BIN)/stocksim serve --host $(HOST) --port $(PORT)

# N `stocksim serve` processes sharded by sandbox behind nginx (Debian's, installed when missing); Ctrl-C stops all.
# The other STOCKSIM_* settings reach every worker. See deploy/nginx/ and docs/scaling.md.
cluster: $(VENV)/.runtime-stamp
	$(COMPILE)
	$(BIN)/python -m bench.cluster --workers $(WORKERS) --host $(HOST) --port $(PORT)

test: lint typecheck pytest

lint: $(VENV)/.test-stamp
	$(BIN)/ruff check simulator tests bench

typecheck: $(VENV)/.test-stamp
	$(BIN)/mypy simulator tests bench

pytest: $(VENV)/.test-stamp
	$(BIN)/pytest

# The newest versions pyproject.toml allows, in a venv of their own, so an upstream release is met on purpose
# (not on a fresh machine's `make test`). Not part of `make test`; uv.lock is left alone.
test-latest: | $(UV)
	$(UV) venv --quiet --python $(PYTHON) .venv-latest
	VIRTUAL_ENV=.venv-latest $(UV) pip install --quiet --upgrade -e '.[test]'
	.venv-latest/bin/ruff check simulator tests bench
	.venv-latest/bin/mypy simulator tests bench
	.venv-latest/bin/pytest

# The large profile of every generative test: schemathesis (300 examples per operation), the hypothesis state
# machines, the hostile corpus, crash-safety rounds. Counts are printed at the end and written under .reports/.
fuzz: $(VENV)/.test-stamp
	STOCKSIM_FUZZ=1 $(BIN)/pytest

# Ratios against a bare Starlette app in the same run, random-item lookups at 1k/100k/1M items per vendor, the
# pytest plugin's cost, each of issue 14's targets judged met or not (docs/performance.md). PEERS=1 also measures
# WireMock (npm's wiremock jar on Debian's Java, both installed when missing); BENCH_ARGS="--only catalog" and the
# like pick sections (python -m bench.run --help).
PEERS ?=
BENCH_ARGS ?=
bench: $(VENV)/.test-stamp
	$(COMPILE)
	$(BIN)/python -m bench.run $(if $(filter 1 yes true,$(PEERS)),--peers) $(BENCH_ARGS)

# SOAK_SECONDS (600) of mixed four-vendor load on a `stocksim serve` subprocess: sandboxes cycled, faults firing,
# journals full; fails when memory or p99 drift or an acknowledged write is lost. Writes bench/results/soak.json.
# Not part of `make test`.
SOAK_SECONDS ?= 600
soak: $(VENV)/.test-stamp
	$(BIN)/python -m bench.soak --seconds $(SOAK_SECONDS)

clean:
	rm -rf $(VENV) .venv-latest $(TOOLS) .mypy_cache .ruff_cache .pytest_cache .hypothesis
