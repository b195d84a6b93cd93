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
CONSUL := tools/consul/bin/consul
HELM := tools/helm/bin/helm
KUBE_MODELS := tools/kube-models/node_modules/.installed
# The release the committed manifests in k8s/gridam are rendered as: for a cluster that runs the
# Prometheus Operator (the chart renders its objects only where their API exists).
K8S_API_VERSIONS := monitoring.coreos.com/v1/ServiceMonitor monitoring.coreos.com/v1/PrometheusRule monitoring.coreos.com/v1alpha1/AlertmanagerConfig
K8S_TEMPLATE := $(HELM) template gridam helm/gridam --kube-version 1.31.0 $(addprefix --api-versions ,$(K8S_API_VERSIONS))
K8S_RENDER := $(K8S_TEMPLATE) --namespace gridam
# Argo CD's environments (k8s/argocd): name:namespace; each renders its values.yaml beside it.
K8S_ENVIRONMENTS := production:gridam staging:gridam-staging

.PHONY: help run lint test test-unit test-quality test-integration test-e2e test-k8s soak bench proto proto-check proto-lint proto-release k8s system-deps infra-tools k8s-tools deps deps-ml deps-mysql clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

# The packages come from uv.lock (the lock file with hashes the images use too), installed by
# uv (`uv sync --locked`: a lock that no longer matches pyproject.toml is an error; `uv lock` after
# editing the dependencies). --inexact keeps what another target added (the `ml` extra).
# Every extra but `ml` and `mysql`: all the deployables' packages, the tests' and the development tools.
UV_SYNC := UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv sync --locked --inexact --all-extras
$(STAMP): pyproject.toml uv.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet uv==0.13.8
	$(UV_SYNC) --quiet --no-extra ml --no-extra mysql
	touch $@

# The `ml` extra (torch, transformers): several GB, so only the tests and benchmarks install it.
$(ML_STAMP): $(STAMP)
	$(UV_SYNC) --quiet --no-extra mysql
	touch $@

# The `mysql` extra: mysqlclient, the C driver of the distributed profile (mysql+mysqldb://). PyPI
# has no Linux wheel of it, so it is built here, with the compiler and libmariadb-dev that
# system-deps installs. `make run` (SQLite) needs neither.
$(MYSQL_STAMP): $(STAMP) | system-deps
	$(UV_SYNC) --quiet --no-extra ml
	touch $@

deps: $(STAMP) ## install the Python packages into .venv from uv.lock (no torch, no mysqlclient)

deps-ml: $(ML_STAMP) ## also install the `ml` extra (torch, transformers)

deps-mysql: $(MYSQL_STAMP) ## also install the `mysql` extra (mysqlclient, built from source)

$(BUF): tools/buf/package.json
	cd tools/buf && npm install --no-audit --no-fund --silent
	touch $@

system-deps: ## install from Debian when missing: MariaDB, Redis, wrk, Java and Maven (Kafka), promtool, amtool, and what builds mysqlclient
	@missing=""; \
	for bin in mariadbd:mariadb-server redis-server:redis-server wrk:wrk cc:gcc pkg-config:pkg-config java:default-jre-headless mvn:maven promtool:prometheus amtool:prometheus-alertmanager; do \
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
$(FERRETDB): $(wildcard tools/ferretdb/*.go) tools/ferretdb/go.mod tools/ferretdb/go.sum
	@command -v go >/dev/null || { echo "Go >= 1.24 is needed to build FerretDB (tools/ferretdb)"; exit 1; }
	cd tools/ferretdb && go build -trimpath -o bin/ferretdb .

# Consul v1.22.7 from the Go module proxy, pinned by tools/consul/go.mod and go.sum (why api
# v1.34.1: go.mod), for the discovery tests only (BUSL-1.1, never in an image). On 2 cores: ~8 min
# (downloads included), ~3 GB of memory and ~4 GB of disk (modules, build cache) the first time;
# -p 2 keeps it to two compilers at once.
$(CONSUL): tools/consul/go.mod tools/consul/go.sum
	@command -v go >/dev/null || { echo "Go >= 1.26 is needed to build Consul (tools/consul)"; exit 1; }
	cd tools/consul && go build -p 2 -trimpath -o bin/consul github.com/hashicorp/consul

infra-tools: $(KAFKA_LIBS) $(FERRETDB) $(CONSUL) ## fetch Kafka (Maven Central), build FerretDB and Consul (Go module proxy) for the CDC and discovery tests

# helm v3 from the Go module proxy, pinned by tools/helm/go.mod and go.sum.
$(HELM): tools/helm/go.mod tools/helm/go.sum
	@command -v go >/dev/null || { echo "Go >= 1.26 is needed to build helm (tools/helm)"; exit 1; }
	cd tools/helm && go build -trimpath -o bin/helm helm.sh/helm/v3/cmd/helm

# Validators of the custom resources (ServiceMonitor, PrometheusRule, Argo CD Application), from npm.
$(KUBE_MODELS): tools/kube-models/package.json tools/kube-models/package-lock.json
	cd tools/kube-models && npm ci --no-audit --no-fund --silent
	touch $@

k8s-tools: $(HELM) $(KUBE_MODELS) ## build helm and install the custom-resource validators for the chart tests

k8s: $(HELM) ## render the chart's default values into k8s/gridam and each environment into k8s/environments (commit the result; the tests fail when it is stale)
	$(K8S_RENDER) > k8s/gridam/manifests.yaml
	for env in $(K8S_ENVIRONMENTS); do \
	  $(K8S_TEMPLATE) --namespace "$${env#*:}" -f "k8s/environments/$${env%%:*}/values.yaml" > "k8s/environments/$${env%%:*}/manifests.yaml"; \
	done

proto: $(STAMP) $(BUF) ## generate the Python code of the protos
	$(BUF) generate

proto-lint: $(BUF) ## buf lint
	$(BUF) lint

# The protos as last released: `buf breaking` compares the current ones with this image, so a change
# that would break a deployed caller fails `make test` (a deliberate break is a new v2 package).
PROTO_RELEASE := protos/released.binpb

proto-release: $(BUF) ## record the current protos as the released contract (commit protos/released.binpb with the release)
	$(BUF) build -o $(PROTO_RELEASE)

# `buf breaking` compares image with image: the workspace has two modules (ours and the vendored
# protovalidate, buf.yaml), the release image one, and buf refuses a workspace against one image.
proto-check: proto-lint proto ## fail when the protos are unformatted, break the released contract, or their generated code is stale
	$(BUF) format --diff --exit-code
	$(BUF) build -o -#format=binpb | $(BUF) breaking -#format=binpb --against $(PROTO_RELEASE)
	@git diff --exit-code --stat -- protos/gen || { echo "generated code is stale: run 'make proto' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- protos/gen)" || { echo "untracked generated files: run 'make proto' and commit"; exit 1; }

run: $(STAMP) ## run GriDam (embedded profile) on http://127.0.0.1:$${GRIDAM_HTTP_PORT:-8080}
	$(PY) -m gridam_devtools.devstack

# Static checks: ruff on every Python file ([tool.ruff]; the generated protos left out), then mypy
# --strict ([tool.mypy]) on the shared libraries, the gateway, every service (user, card, CDC, diary,
# emotion) and the gpu-worker. Calls between services are checked too: a client is typed as its
# service's stub, which `make proto` generates (gridam_runtime.clients). Seconds, so `make test` runs
# it first.
LINT_PATHS := libs gateway services/user/user_service services/card/card_service services/cdc/cdc_service services/diary/diary_service services/emotion/emotion_service gpu-worker/gpu_worker

lint: $(STAMP) ## ruff on everything, mypy --strict on the libraries, the gateway, the services and the gpu-worker
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy $(LINT_PATHS)

test: lint system-deps infra-tools k8s-tools $(ML_STAMP) $(MYSQL_STAMP) proto-check ## set up and run every test (unit, integration, end-to-end)
	$(PY) -m pytest

# On both cores (pytest-xdist): ~45 s instead of ~66 s on our 2-core machine.
test-unit: $(ML_STAMP) ## unit tests only: the rules, in under a minute (no data-set scores)
	$(PY) -m pytest -n 2 tests/unit -m "not quality"

test-quality: $(ML_STAMP) ## the models and rule sets scored on their data sets (emotions, crisis check, hashtags, feedback)
	$(PY) -m pytest tests -m quality

test-integration: system-deps infra-tools $(MYSQL_STAMP) ## integration tests (real MariaDB, Redis, gRPC)
	$(PY) -m pytest tests/integration

test-e2e: system-deps infra-tools $(MYSQL_STAMP) ## end-to-end tests through the gateway
	$(PY) -m pytest tests/e2e

test-k8s: k8s-tools $(STAMP) ## the Helm chart: lint, render the scenarios, validate every manifest, schema, alerts
	$(PY) -m pytest tests/k8s tests/unit/test_alert_rules.py

# Each benchmark is a module of the bench package (shared parts: bench/harness.py), run from here.
BENCHES := emotion_bench card_bench profile_bench cdc_bench timeline_bench read_paths_bench signup_flood_bench export_bench

bench: system-deps infra-tools $(ML_STAMP) $(MYSQL_STAMP) ## benchmarks (bench/README.md), figures and ratios side by side; fails when a target is missed
	@status=0; \
	for bench in $(BENCHES); do $(PY) -m bench.$$bench || status=1; done; \
	exit $$status

soak: system-deps infra-tools k8s-tools $(ML_STAMP) $(MYSQL_STAMP) ## the game day: 15 min of journeys while every component fails in turn, Prometheus and Alertmanager with the chart's rules; report in var/soak/report.md
	$(PY) -m soak

clean: ## remove the virtualenv, the built tools and local data
	rm -rf $(VENV) tools/buf/node_modules tools/kafka/libs tools/ferretdb/bin tools/consul/bin tools/helm/bin tools/kube-models/node_modules var
