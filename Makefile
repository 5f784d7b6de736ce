# xaccess — developer entry points. `make help` lists them.
SHELL := /usr/bin/env bash
MVNW  := ./mvnw -B --no-transfer-progress

# How the tests get kube-apiserver, etcd and kubectl (Kubernetes 1.34):
#   auto     - build them from the Go module proxy when Go is installed, else let kube-api-test download them
#   build    - always build them from source (offline machines; needs Go)
#   download - never build; kube-api-test downloads the released binaries (needs internet, not Go)
K8S_BINARIES ?= auto

.PHONY: help unit test dev render bench tools venv k8s-binaries iam-simulate go-tools image-base image fmt crds manifests helm-lint clean python-lock

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

unit: ## Unit tests only (Surefire *Test classes): no integration tests, no tools installed
	$(MVNW) test

test: tools ## Install the test tools if needed, then run unit and integration tests (real API server + moto)
	$(MVNW) verify -Pimage

# make dev DEV_BUILD=false: run what is already built (the installed tools, target/quarkus-app, the
# compiled test classes) without `make tools` and `mvnw package`, as DevEnvironmentStopIT does inside
# `make test`. The last line execs (as mvnw and mvn do in turn), so Maven's JVM is make's own child:
# the SIGTERM GNU make passes on to its recipe reaches it, and DevEnvironment's shutdown hooks stop
# everything it started (Ctrl-C signals the whole foreground group anyway).
DEV_BUILD ?= true

dev: $(if $(filter false,$(DEV_BUILD)),,tools) ## Run the operator end to end on a local API server + AWS emulator; Ctrl-C stops it
	$(if $(filter false,$(DEV_BUILD)),,$(MVNW) -q package -DskipTests)
	exec $(MVNW) -q exec:java $(if $(DEV_ARGS),-Dexec.args="$(DEV_ARGS)")

# make render FILE=examples/basic.yaml [DIFF=old.yaml] [OUTPUT=text]: the stacks, IAM documents and
# summary of a grant, offline (docs/render.md). The jar is rebuilt only when the sources changed.
RENDER_JAR := target/quarkus-app/quarkus-run.jar

render: $(RENDER_JAR) ## Render a grant offline: make render FILE=grant.yaml [DIFF=old.yaml] [OUTPUT=text]
	@test -n "$(FILE)" || { echo "usage: make render FILE=<manifest> [DIFF=<old manifest>] [OUTPUT=json|text]" >&2; exit 2; }
	@java -jar $(RENDER_JAR) render -f $(FILE) $(if $(DIFF),--diff $(DIFF)) $(if $(OUTPUT),-o $(OUTPUT))

$(RENDER_JAR): pom.xml $(shell find src/main crds -type f 2>/dev/null)
	$(MVNW) -q package -DskipTests

# make bench: N grants at once (BENCH_GRANTS), sequential one-grant runs (BENCH_RUNS), the operator's
# poll interval (BENCH_POLL_INTERVAL, its default 5s), reconcile threads (BENCH_THREADS, empty = the
# Java Operator SDK default), extra operator env for tuning runs (BENCH_OPERATOR_ENV=K=V,K=V), the
# steady-state window (BENCH_STEADY_WINDOW), requests forwarded to moto at a time (BENCH_MOTO_THREADS,
# 0 = no proxy; moto is not thread-safe), a JFR recording of the N-grant phase (BENCH_PROFILE=true),
# how long to wait for other work on the machine to stop before each N-grant phase
# (BENCH_QUIET_WAIT, 0 = don't), how long each stack create or update takes as AWS would show it
# (BENCH_STACK_DURATION, e.g. 20s-60s; empty = moto's own, at once), output folder (BENCH_OUT), and
# how the operator runs (BENCH_CONTAINER: empty = the packaged jar as a JVM process with -Xmx256m and C1 only;
# docker = its container image, built by `make image`, under a Docker engine that
# tools/docker/start-engine.sh installs and starts if needed, with the Helm chart's limits: 512 MiB,
# no swap, 1 CPU, read-only root, user 65532, no capabilities; the image's own JVM flags), and the
# grants of the floor's N-grant phase (BENCH_FLOOR_GRANTS, empty = N, 0 = skip it: with stack
# durations and thousands of grants its blocking threads would take an hour), and the one-grant runs
# before the counted ones, on the operator and the floor alike (BENCH_WARMUP_RUNS, empty = 3, or 1
# with stack durations), and the nice value moto runs at (BENCH_MOTO_NICE, empty = unchanged; e.g.
# -10, as root, gives the emulator the CPU first, as AWS is not slowed by the cluster's own work).
BENCH_GRANTS ?= 200
BENCH_RUNS ?= 10
BENCH_POLL_INTERVAL ?= 5s
BENCH_THREADS ?=
BENCH_OPERATOR_ENV ?=
BENCH_STEADY_WINDOW ?= 2m
BENCH_MOTO_THREADS ?= 1
BENCH_PROFILE ?= false
BENCH_QUIET_WAIT ?= 15m
BENCH_STACK_DURATION ?=
BENCH_OUT ?= target/bench
BENCH_CONTAINER ?=
BENCH_FLOOR_GRANTS ?=
BENCH_WARMUP_RUNS ?=
BENCH_MOTO_NICE ?=

bench: tools ## Benchmark the packaged operator (not part of test): writes target/bench/report.{md,json} + chart
	$(MVNW) -q package -DskipTests $(if $(filter docker,$(BENCH_CONTAINER)),-Pimage)
	$(MVNW) -q exec:java@bench -Dxaccess.bench.grants=$(BENCH_GRANTS) -Dxaccess.bench.runs=$(BENCH_RUNS) \
	  -Dxaccess.bench.poll-interval=$(BENCH_POLL_INTERVAL) -Dxaccess.bench.threads=$(BENCH_THREADS) \
	  -Dxaccess.bench.operator-env="$(BENCH_OPERATOR_ENV)" -Dxaccess.bench.steady-window=$(BENCH_STEADY_WINDOW) \
	  -Dxaccess.bench.moto-threads=$(BENCH_MOTO_THREADS) -Dxaccess.bench.profile=$(BENCH_PROFILE) \
	  -Dxaccess.bench.quiet-wait=$(BENCH_QUIET_WAIT) -Dxaccess.bench.stack-duration=$(BENCH_STACK_DURATION) \
	  -Dxaccess.bench.out=$(BENCH_OUT) -Dxaccess.bench.container=$(BENCH_CONTAINER) \
	  -Dxaccess.bench.floor-grants=$(BENCH_FLOOR_GRANTS) -Dxaccess.bench.warmup-runs=$(BENCH_WARMUP_RUNS) \
	  -Dxaccess.bench.moto-nice=$(BENCH_MOTO_NICE)

tools: venv k8s-binaries iam-simulate go-tools image-base ## Install everything the tests need (idempotent)

iam-simulate: ## The IAM policy evaluator the policy matrix runs (npm, pinned by package-lock.json)
	@if [ tools/iam-simulate/package-lock.json -nt tools/iam-simulate/node_modules/.package-lock.json ] \
	    || [ ! -d tools/iam-simulate/node_modules ]; then \
	  cd tools/iam-simulate && npm ci --no-audit --no-fund; \
	else echo "iam-simulate: up to date"; fi

go-tools: ## Helm and the GitOps health evaluator (Argo CD Lua + kstatus), built from the Go module proxy into .tools/bin
	tools/helm/build.sh
	tools/health/build.sh

venv: ## Python virtualenv with pinned moto server, cfn-lint and checkov (.tools/venv)
	tools/setup-venv.sh

k8s-binaries: ## kube-apiserver, etcd and kubectl for kube-api-test (see K8S_BINARIES)
	@case "$(K8S_BINARIES)" in \
	  build) tools/k8s-binaries/build.sh ;; \
	  download) echo "k8s-binaries: kube-api-test will download the binaries" ;; \
	  auto) if command -v go >/dev/null; then tools/k8s-binaries/build.sh; \
	        else echo "k8s-binaries: no Go on PATH, kube-api-test will download the binaries"; fi ;; \
	  *) echo "K8S_BINARIES must be auto, build or download" >&2; exit 2 ;; \
	esac

image-base: ## Base image for the daemonless image build: Debian 12 libc + jlink'ed Java 17 (.tools/image)
	tools/image/build-base.sh

image: ## The operator's container image as a tarball (target/xaccess-image.tar), no Docker daemon needed
	$(MVNW) -q package -Pimage -DskipTests
	@echo "image: target/xaccess-image.tar (docker load -i, crane push, skopeo copy docker-archive:)"

crds: ## Regenerate crds/ from the Java API types (review and commit the diff)
	$(MVNW) test -Dtest=CrdGenerationTest -Dxaccess.crd.update=true -Dsurefire.failIfNoSpecifiedTests=false

manifests: go-tools ## Render deploy/operator.yaml from the Helm chart (commit the result; ChartIT checks it)
	helm/render-manifests.sh

helm-lint: go-tools ## helm lint --strict the chart
	.tools/bin/helm lint --strict helm/xaccess

fmt: ## Format the Java sources (the build fails on unformatted code)
	$(MVNW) spotless:apply

python-lock: venv ## Re-pin every transitive Python package after changing tools/python-requirements.txt
	( echo "# Generated by 'make python-lock' from python-requirements.txt: every transitive package pinned."; \
	  .tools/venv/bin/pip freeze --exclude-editable ) > tools/python-constraints.txt

clean: ## Remove build output (keeps the installed tools)
	$(MVNW) clean
