#!/usr/bin/env bash
# The Helm CLI for `helm lint`, the chart tests (install into the real kube-apiserver) and
# `make manifests`, built from the Go module proxy (pinned by go.mod/go.sum here) into .tools/bin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(awk '$1=="require" && $2=="helm.sh/helm/v3" {print $3}' "$here/go.mod")
"$here/../build-go-tool.sh" "$here" helm helm.sh/helm/v3/cmd/helm \
  "-X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
reported=$("$here/../../.tools/bin/helm" version --short)
[[ "$reported" == "$version"* ]] \
  || { echo "helm: the built binary reports $reported, not $version" >&2; exit 1; }
