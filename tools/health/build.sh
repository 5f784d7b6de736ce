#!/usr/bin/env bash
# The GitOps health evaluator (Argo CD's Lua engine + Flux's kstatus) the health tests run,
# built from the Go module proxy (pinned by go.mod/go.sum here) into .tools/bin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/../build-go-tool.sh" "$here" health .
