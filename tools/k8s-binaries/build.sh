#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy into the folder that
# io.fabric8:kube-api-test reads (~/.kubeapitest/k8s/<version>-<os>-<arch>), for machines that
# cannot download the released binaries. Pinned by the go.mod/go.sum files beside this script;
# a second run with the same pins and Go version rebuilds nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
k8s_version=$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$here/kubernetes/go.mod")
version=${k8s_version#v}
major=${version%%.*}; rest=${version#*.}; minor=${rest%%.*}
goos=$(go env GOOS); goarch=$(go env GOARCH)
dest="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${version}-${goos}-${goarch}"

stamp_input() {
  go version
  cat "$here"/kubernetes/go.mod "$here"/kubernetes/go.sum "$here"/etcd/go.mod "$here"/etcd/go.sum
}
want=$(stamp_input | sha256sum | cut -d' ' -f1)
if [[ -x "$dest/kube-apiserver" && -x "$dest/kubectl" && -x "$dest/etcd" \
      && "$(cat "$dest/.xaccess-build" 2>/dev/null)" == "$want" ]]; then
  echo "k8s-binaries: $dest is up to date"
  exit 0
fi

mkdir -p "$dest"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
stamp="-X k8s.io/component-base/version.gitMajor=$major -X k8s.io/component-base/version.gitMinor=$minor \
-X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitTreeState=clean \
-X k8s.io/client-go/pkg/version.gitMajor=$major -X k8s.io/client-go/pkg/version.gitMinor=$minor \
-X k8s.io/client-go/pkg/version.gitVersion=$k8s_version -X k8s.io/client-go/pkg/version.gitTreeState=clean"

started=$(date +%s)
echo "k8s-binaries: building Kubernetes $k8s_version and etcd into $dest (first run takes several minutes)"
(cd "$here/kubernetes" && go build -trimpath -ldflags "-s -w $stamp" -o "$dest/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
(cd "$here/kubernetes" && go build -trimpath -ldflags "-s -w $stamp" -o "$dest/kubectl" k8s.io/kubernetes/cmd/kubectl)
(cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$dest/etcd" go.etcd.io/etcd/server/v3)

"$dest/kube-apiserver" --version | grep -qx "Kubernetes $k8s_version" \
  || { echo "k8s-binaries: kube-apiserver reports the wrong version" >&2; exit 1; }
"$dest/etcd" --version | head -1
echo "$want" > "$dest/.xaccess-build"
echo "k8s-binaries: done in $(( $(date +%s) - started ))s"
