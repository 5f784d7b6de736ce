#!/usr/bin/env bash
# Builds one Go command-line tool that the tests run into .tools/bin/<name>, from the module
# folder given (its go.mod/go.sum pin every dependency, fetched from the Go module proxy).
# A second run with the same pins and Go version rebuilds nothing.
#   usage: build-go-tool.sh <module folder> <binary name> <package> [ldflags]
set -euo pipefail

module=$(cd "$1" && pwd); name=$2; package=$3; ldflags=${4:-}
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.tools/bin"

want=$( (go version; echo "$package $ldflags"; cat "$module"/*.go "$module/go.mod" "$module/go.sum" 2>/dev/null) \
  | sha256sum | cut -d' ' -f1)
if [[ -x "$dest/$name" && "$(cat "$dest/.$name-build" 2>/dev/null)" == "$want" ]]; then
  echo "$name: $dest/$name is up to date"
  exit 0
fi

mkdir -p "$dest"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
started=$(date +%s)
echo "$name: building $package into $dest"
(cd "$module" && go build -trimpath -ldflags "-s -w $ldflags" -o "$dest/$name" "$package")
echo "$want" > "$dest/.$name-build"
echo "$name: done in $(( $(date +%s) - started ))s"
