# Every command a contributor or CI needs. `make help` lists them.
# On a fresh machine only Python >= 3.11, git and make are needed: the first
# target that needs more installs uv (into .tools/) and the locked
# dependencies (into .venv/).

.DEFAULT_GOAL := help
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
HOST ?= 127.0.0.1:8000

# Use the interpreter found on this machine; never download one.
export UV_PYTHON_DOWNLOADS := never
export NO_MKDOCS_2_WARNING := 1
export PYTHONUNBUFFERED := 1

.PHONY: help install check-page smoke-site measure bench bench-shard merge-shards bench-gpu merge-gpu render serve site build test lint format clean compare-commits measure-pythons history bench-large merge-large

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode compiled once here: every example and variant runs in a fresh
# interpreter, which would otherwise compile NumPy, Numba and the rest from
# source each time wherever PYTHONDONTWRITEBYTECODE is set.
.venv/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode
	@touch $@

install: .venv/.installed ## Install the locked dependencies into .venv/

measure: install ## Measure every example (quick profile; unchanged ones are kept) and render tables
	$(PY) -m harness measure --profile quick
	$(PY) -m harness render

bench: install ## Measure every example with the full profile (for publishing) and render tables
	$(PY) -m harness measure --profile full
	$(PY) -m harness render

# The examples whose answer depends on the interpreter (their headers say
# takes-part-in = ["interpreters"]), measured with each of PYTHONS into the site's results, beside the
# harness's own: the pages show a tab per interpreter. Interpreters this machine
# lacks are skipped. The publishing workflow runs it with 3.14, 3.14t, 3.15, 3.15t
# and 3.14 with its JIT.
PYTHONS ?= python3.14 python3.14t
PROFILE ?= quick

measure-pythons: install ## Measure the interpreter-dependent examples with each of PYTHONS ("python3.12 python3.13"), beside the harness's own
	$(PY) -m harness measure-pythons --profile $(PROFILE) $(PYTHONS)

# The publishing workflow measures the examples in shards, on several machines at
# once (SHARD=2/4 is the second of four), and merges their results into one file.
SHARD ?= 1/1

bench-shard: install ## Measure one shard of the examples with the full profile (SHARD=2/4)
	$(PY) -m harness measure --profile full --shard $(SHARD)

merge-shards: install ## Merge shards' results (generated/shards/*/results.json) into the site's, and render
	for results in generated/shards/*/results.json; do $(PY) -m harness merge "$$results"; done
	$(PY) -m harness render

# On a machine with an NVIDIA GPU (CUDA 12): CuPy and numba-cuda are an optional
# dependency group, installed here only. `merge-gpu` adds these results to the
# site's where the GPU runner's results.json was copied into generated/gpu/.
bench-gpu: $(UV) ## With an NVIDIA GPU: install the GPU group, measure the GPU examples (full) into generated/gpu/
	$(UV) sync --frozen --compile-bytecode --group gpu
	$(PY) -m harness --out generated/gpu measure --profile full gpu/

merge-gpu: install ## Add a GPU runner's results (generated/gpu/results.json) to the site's, and render
	$(PY) -m harness merge generated/gpu/results.json gpu/
	$(PY) -m harness render

# What a change does to the examples it touches (all of a fixed set where it touches
# the harness): both commits measured in one run, interleaved round by round.
# SUMMARY=file also appends the table to it (a pull request's job summary).
BASE ?= origin/main
HEAD_COMMIT ?= HEAD
SUMMARY ?=

compare-commits: install ## Measure changed examples at BASE and HEAD_COMMIT, interleaved, and table what moved
	$(PY) -m harness compare-commits $(if $(SUMMARY),--summary "$(SUMMARY)") "$(BASE)" "$(HEAD_COMMIT)"

# Each publish keeps what the ones before it measured: the live site's history.json
# (PREVIOUS: its URL, or a file) plus this publish's speedups, then the trends and
# the What changed page are rendered. Without PREVIOUS a new history starts.
PREVIOUS ?=

history: install ## Add this publish's speedups to the previous history (PREVIOUS=URL or file), and render
	$(PY) -m harness history $(if $(PREVIOUS),--previous "$(PREVIOUS)")
	$(PY) -m harness render

# Where the repository names a larger runner (LARGE_RUNNER), the parallel pages
# are measured there too, so that a reader with 8 or 16 cores sees rows for as
# many workers: a tab per machine, named for its cores. Which pages: those whose
# example's header says takes-part-in = ["large-runner"] (read once installed).
LARGE_EXAMPLES ?= $(shell $(PY) -m harness list --taking-part large-runner)

bench-large: install ## On a larger machine: measure the parallel pages (full) into generated/large/, labelled with its cores
	@test -n "$(strip $(LARGE_EXAMPLES))" || { echo 'No example takes part in "large-runner": nothing to measure' >&2; exit 2; }
	$(PY) -m harness --out generated/large measure --profile full --label "$$(nproc)-cores" $(LARGE_EXAMPLES)

merge-large: install ## Add a larger runner's results (generated/large/results.json) to the site's, and render
	$(PY) -m harness merge generated/large/results.json
	$(PY) -m harness render

render: install ## Render tables and plots from the results file
	$(PY) -m harness render

serve: install ## Serve the site on localhost (HOST=$(HOST)) at once; measure (quick, cached) meanwhile
	$(PY) -m harness serve --profile quick --dev-addr $(HOST)

PAGE ?=

check-page: install ## Check one page in seconds (PAGE=vectorise): its examples measured, code, tables, claims, widths
	$(PY) -m harness check-page $(PAGE)

smoke-site: install ## Build the whole site strictly in minutes: smoke tables where nothing better is measured
	$(PY) -m harness measure --profile smoke
	$(PY) -m harness render
	.venv/bin/mkdocs build --strict

site: measure ## Build the static site into site/, strictly
	.venv/bin/mkdocs build --strict

build: install ## Build the static site from the tables already rendered (after bench), strictly
	.venv/bin/mkdocs build --strict

test: install ## Lint, then run the whole test suite
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest

lint: install ## Ruff, and the workflow checkers actionlint and zizmor
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/actionlint
	.venv/bin/zizmor --offline --min-severity low .github/workflows

format: install ## Format and auto-fix with ruff
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean: ## Remove generated files and environments (not the image cache)
	rm -rf generated site .venv .venv-ft .venv-pythons .tools
