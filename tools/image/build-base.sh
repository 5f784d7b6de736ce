#!/usr/bin/env bash
# Builds the base image that `./mvnw -Pimage package` (make image) puts the operator on when no
# container registry can be reached: a stand-in for gcr.io/distroless/java17-debian12:nonroot with
# the same paths (/usr/bin/java -> /usr/lib/jvm/java-17-openjdk-amd64), the same user (65532,
# "nonroot") and no shell, made only from what this machine has:
#   - a Java 17 runtime jlink'ed from Debian's openjdk-17-jdk-headless (its jmods),
#   - the C library, libgcc, libstdc++ and zlib that runtime links against, copied file by file
#     from the installed Debian packages after `dpkg --verify` has checked them unmodified; their
#     dpkg records go to /var/lib/dpkg/status.d/ (as in distroless) so image scanners see them.
# The result is a `docker save` tarball, which Jib reads as `tar://`. Cached: a second run with the
# same JDK, packages and scripts rebuilds nothing.
#
# Usage: build-base.sh [--for BASE]   with --for, builds only if BASE is this script's tarball
# (`-Dimage.base=...` naming a registry image needs nothing from here).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out_dir=$(realpath -m "${XACCESS_TOOLS_DIR:-$here/../../.tools}/image")
out="$out_dir/base-java17.tar"
jdk=${XACCESS_BASE_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
python=${PYTHON:-python3}
jre=/usr/lib/jvm/java-17-openjdk-amd64
# Package, or package:path-prefix for only part of it (libc-bin: the C.UTF-8 locale, which LANG
# names so that Java 17 reads and writes UTF-8).
parts=(libc6 libgcc-s1 libstdc++6 zlib1g libc-bin:/usr/lib/locale/C.utf8/)
packages=("${parts[@]%%:*}")
# What the operator's jars use (jdeps over target/quarkus-app, see docs/container-image.md), plus
# the providers jdeps cannot see: jdk.crypto.ec (TLS to the API server and AWS), jdk.naming.dns,
# jdk.zipfs. java.desktop is left out on purpose: only annotations and optional paths refer to it.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

fail() { echo "image-base: $*" >&2; exit 1; }
if [[ "${1:-}" == --for ]]; then
  base=${2:?--for needs the base image}
  if [[ "$(realpath -m "${base#tar://}")" != "$out" ]]; then
    echo "image-base: not needed for base image $base"
    exit 0
  fi
fi
command -v dpkg-query >/dev/null || fail "needs a Debian machine (dpkg-query), see docs/container-image.md"
[[ "$(dpkg --print-architecture)" == amd64 ]] || fail "only amd64 is supported"
[[ -f "$jdk/jmods/java.base.jmod" ]] || fail "$jdk has no jmods: install openjdk-17-jdk-headless"
jdk_package=$(dpkg -S "$jdk/jmods/java.base.jmod" | cut -d: -f1)

versions() { dpkg-query -W -f '${Package}=${Version}\n' "${packages[@]}" "$jdk_package"; }
want=$( (cat "$here/build-base.sh" "$here/image_tar.py"; versions; cat "$jdk/release") | sha256sum | cut -d' ' -f1)
if [[ -f "$out" && "$(cat "$out.stamp" 2>/dev/null)" == "$want" ]]; then
  echo "image-base: $out is up to date"
  exit 0
fi

started=$(date +%s)
echo "image-base: building $out from $(versions | paste -sd' ')"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
os="$work/os" java="$work/java"
mkdir -p "$os"/{usr/bin,usr/lib,usr/lib64,usr/sbin,etc,tmp,home/nonroot,var/lib/dpkg/status.d} "$java/usr/bin" "$java/usr/lib/jvm"
# Debian 12's merged /usr: /lib, /lib64, /bin and /sbin are links into /usr.
for d in bin lib lib64 sbin; do ln -s "usr/$d" "$os/$d"; done
chmod 1777 "$os/tmp"
chmod 0700 "$os/home/nonroot"

for part in "${parts[@]}"; do
  pkg=${part%%:*} prefix=${part#"$pkg"}; prefix=${prefix#:}
  changed=$(dpkg --verify "$pkg" || true)
  [[ -z "$changed" ]] || fail "files of $pkg differ from the package, reinstall it: $changed"
  while IFS= read -r path; do
    [[ "$path" == /* && ( -L "$path" || -f "$path" ) ]] || continue
    [[ -z "$prefix" || "$path" == "$prefix"* || "$path" == "/usr/share/doc/$pkg/copyright" ]] || continue
    dest=$path
    case "$dest" in /lib/* | /lib64/* | /bin/* | /sbin/*) dest="/usr$dest" ;; esac
    mkdir -p "$(dirname "$os$dest")"
    cp -a "$path" "$os$dest"
  done < <(dpkg -L "$pkg")
  dpkg-query -s "$pkg" > "$os/var/lib/dpkg/status.d/$pkg"
done
cp /usr/lib/os-release "$os/usr/lib/os-release"
ln -s ../usr/lib/os-release "$os/etc/os-release"
cp /etc/debian_version "$os/etc/debian_version"
cat > "$os/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat > "$os/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
nonroot:x:65532:
EOF
echo 'hosts: files dns' > "$os/etc/nsswitch.conf"

"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$java$jre"
ln -s "../lib/jvm/java-17-openjdk-amd64/bin/java" "$java/usr/bin/java"
java_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$java$jre/release")

mkdir -p "$out_dir"
"$python" "$here/image_tar.py" --out "$out" --tag "xaccess-base-java17:${want:0:12}" \
  --layer "$os=Debian $(. /usr/lib/os-release; echo "$VERSION_ID") $(dpkg-query -W -f '${Package}=${Version}\n' "${packages[@]}" | paste -sd' ')" \
  --layer "$java=jlink --add-modules $modules ($jdk_package=$(dpkg-query -W -f '${Version}' "$jdk_package"))" \
  --owner home/nonroot=65532:65532 \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env JAVA_HOME=$jre --env JAVA_VERSION="$java_version" --env LANG=C.UTF-8 \
  --user 65532 --workdir /home/nonroot --entrypoint '["/usr/bin/java", "-jar"]' \
  --label "io.xaccess.base.packages=$(versions | paste -sd' ')" \
  --label "io.xaccess.base.java-modules=$modules"
echo "$want" > "$out.stamp"
echo "image-base: done in $(( $(date +%s) - started ))s ($(du -h "$out" | cut -f1))"
