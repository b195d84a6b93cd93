# GriDam — one entry point. `make run` serves the embedded profile; `make test` sets up
# everything the tests need (Python packages, MariaDB and Redis from Debian, buf), runs
# them and stops what it started.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

VENV := .venv
PY := $(VENV)/bin/python
BUF := tools/buf/node_modules/.bin/buf
STAMP := $(VENV)/.installed
ML_STAMP := $(VENV)/.installed-ml
MYSQL_STAMP := $(VENV)/.installed-mysql
KAFKA_LIBS := tools/kafka/libs/.collected
FERRETDB := tools/ferretdb/bin/ferretdb

.PHONY: help run test test-unit test-integration test-e2e bench proto proto-check proto-lint system-deps infra-tools deps deps-ml deps-mysql clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# The `ml` extra (torch, transformers): several GB, so only the tests and benchmarks install it.
$(ML_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test,ml]"
	touch $@

# The `mysql` extra: mysqlclient, the C driver of the distributed profile (mysql+mysqldb://). PyPI
# has no Linux wheel of it, so it is built here, with the compiler and libmariadb-dev that
# system-deps installs. `make run` (SQLite) needs neither.
$(MYSQL_STAMP): $(STAMP) pyproject.toml | system-deps
	$(PY) -m pip install --quiet -e ".[test,mysql]"
	touch $@

deps: $(STAMP) ## install the Python packages into .venv (no torch)

deps-ml: $(ML_STAMP) ## also install the `ml` extra (torch, transformers)

deps-mysql: $(MYSQL_STAMP) ## also install the `mysql` extra (mysqlclient, built from source)

$(BUF): tools/buf/package.json
	cd tools/buf && npm install --no-audit --no-fund --silent
	touch $@

system-deps: ## install from Debian when missing: MariaDB, Redis, wrk, Java and Maven (Kafka), promtool, and what builds mysqlclient
	@missing=""; \
	for bin in mariadbd:mariadb-server redis-server:redis-server wrk:wrk cc:gcc pkg-config:pkg-config java:default-jre-headless mvn:maven promtool:prometheus; do \
	  command -v "$${bin%%:*}" >/dev/null || test -x "/usr/sbin/$${bin%%:*}" || missing="$$missing $${bin##*:}"; \
	done; \
	dpkg-query -W -f='$${Status}' libmariadb-dev 2>/dev/null | grep -q "ok installed" || missing="$$missing libmariadb-dev"; \
	python3 -c 'import os, sysconfig; raise SystemExit(not os.path.exists(sysconfig.get_path("include") + "/Python.h"))' \
	  || missing="$$missing python3-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Kafka 4.3.1 (KRaft) from Maven Central jars: collected, nothing compiled (tools/kafka/pom.xml).
$(KAFKA_LIBS): tools/kafka/pom.xml | system-deps
	rm -rf tools/kafka/libs
	cd tools/kafka && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$$PWD/libs"
	touch $@

# FerretDB v1.24.2 (MongoDB wire protocol over SQLite) from the Go module proxy, through the
# small wrapper module in tools/ferretdb (why a wrapper: its main.go).
$(FERRETDB): tools/ferretdb/main.go tools/ferretdb/go.mod tools/ferretdb/go.sum
	@command -v go >/dev/null || { echo "Go >= 1.24 is needed to build FerretDB (tools/ferretdb)"; exit 1; }
	cd tools/ferretdb && go build -trimpath -o bin/ferretdb .

infra-tools: $(KAFKA_LIBS) $(FERRETDB) ## fetch Kafka (Maven Central) and build FerretDB (Go module proxy) for the CDC tests

proto: $(STAMP) $(BUF) ## generate the Python code of the protos
	$(BUF) generate

proto-lint: $(BUF) ## buf lint
	$(BUF) lint

proto-check: proto-lint proto ## fail when the committed generated code is stale
	@git diff --exit-code --stat -- protos/gen || { echo "generated code is stale: run 'make proto' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- protos/gen)" || { echo "untracked generated files: run 'make proto' and commit"; exit 1; }

run: $(STAMP) ## run GriDam (embedded profile) on http://127.0.0.1:$${GRIDAM_HTTP_PORT:-8080}
	$(PY) -m gridam_runtime.devstack

test: system-deps infra-tools $(ML_STAMP) $(MYSQL_STAMP) proto-check ## set up and run every test (unit, integration, end-to-end)
	$(PY) -m pytest

test-unit: $(ML_STAMP) ## unit tests only
	$(PY) -m pytest tests/unit

test-integration: system-deps infra-tools $(MYSQL_STAMP) ## integration tests (real MariaDB, Redis, gRPC)
	$(PY) -m pytest tests/integration

test-e2e: system-deps infra-tools $(MYSQL_STAMP) ## end-to-end tests through the gateway
	$(PY) -m pytest tests/e2e

bench: system-deps infra-tools $(ML_STAMP) $(MYSQL_STAMP) ## benchmarks (bench/), figures and ratios side by side; fails when a target is missed
	@status=0; \
	$(PY) bench/emotion_bench.py || status=1; \
	$(PY) bench/card_bench.py || status=1; \
	$(PY) bench/profile_bench.py || status=1; \
	$(PY) bench/cdc_bench.py || status=1; \
	$(PY) bench/timeline_bench.py || status=1; \
	exit $$status

clean: ## remove the virtualenv, buf and local data
	rm -rf $(VENV) tools/buf/node_modules tools/kafka/libs tools/ferretdb/bin var
