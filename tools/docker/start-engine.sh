#!/usr/bin/env bash
# Starts a Docker engine on this machine for `make bench BENCH_CONTAINER=docker`, which runs the
# operator's image with the Helm chart's limits. Idempotent: installs Debian's docker.io if dockerd
# is missing, starts dockerd in the background if nothing answers on its socket, waits until
# `docker info` answers, and fails unless the engine enforces memory limits (--memory is what the
# bench measures against). `make test` never needs it.
#
# The machines this project runs on have no systemd and start no services, so dockerd is started
# by hand, detached (setsid), logging to $XACCESS_DOCKERD_LOG (default /tmp/dockerd.log); it stays
# up after the bench so that the next run (and `docker logs`, `docker inspect`) can use it.
# Storage: overlay2 (works on this sandbox's ext4); if dockerd will not come up with it, vfs, which
# needs no kernel support at all (slower and bigger on disk, irrelevant for one image). Memory
# limits: cgroup v1 (memory.limit_in_bytes, memory.memsw.*) or v2 (memory.max), whichever the
# kernel mounts; `docker info` must report MemoryLimit and SwapLimit true.
set -euo pipefail

log=${XACCESS_DOCKERD_LOG:-/tmp/dockerd.log}
wait_seconds=${XACCESS_DOCKERD_WAIT:-60}

say() { echo "docker-engine: $*"; }
fail() { echo "docker-engine: $*" >&2; exit 1; }
answers() { docker info >/dev/null 2>&1; }
running_dockerd() {
  local pid
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
  [[ -n "$pid" && -d /proc/$pid ]] && [[ "$(cat /proc/$pid/comm 2>/dev/null)" == dockerd ]]
}
await() {
  local deadline=$((SECONDS + wait_seconds))
  while ((SECONDS < deadline)); do
    answers && return 0
    running_dockerd || return 1
    sleep 1
  done
  return 1
}
start() {
  say "starting dockerd${*:+ $*} (log $log)"
  # No stdin, its own session, output to the log only: whoever ran this script (the bench's JVM)
  # neither waits for it nor takes it down when it exits.
  setsid dockerd "$@" >>"$log" 2>&1 </dev/null &
  disown || true
  sleep 1
  await
}

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
  [[ $(id -u) == 0 ]] || fail "dockerd is not installed; as root: apt-get install -y docker.io"
  say "installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends docker.io >/dev/null
fi

if ! answers; then
  if running_dockerd; then
    say "dockerd (pid $(cat /var/run/docker.pid)) is starting; waiting"
    await || fail "dockerd runs but does not answer after ${wait_seconds}s; see $log"
  else
    [[ $(id -u) == 0 ]] || fail "no Docker engine answers and only root can start dockerd"
    rm -f /var/run/docker.pid
    if ! start; then
      say "dockerd did not come up with its default storage driver; the log says:"
      tail -5 "$log" | sed 's/^/  /' >&2
      if running_dockerd; then
        kill "$(cat /var/run/docker.pid)" 2>/dev/null || true
        sleep 3
      fi
      rm -f /var/run/docker.pid
      start --storage-driver=vfs || fail "dockerd does not start with overlay2 nor vfs; see $log"
    fi
  fi
fi

info=$(docker info -f \
  '{{.ServerVersion}} {{.Driver}} cgroup-v{{.CgroupVersion}} {{.CgroupDriver}} {{.MemoryLimit}} {{.SwapLimit}} {{.CPUCfsQuota}}')
read -r version driver cgroup cgroup_driver memory swap cpu <<<"$info"
[[ "$memory" == true ]] || fail "engine $version has no memory limit support: --memory would not be enforced"
[[ "$swap" == true ]] || fail "engine $version has no swap limit support: --memory-swap would not be enforced"
[[ "$cpu" == true ]] || fail "engine $version has no CFS quota support: --cpus would not be enforced"
say "Docker $version answers: storage $driver, $cgroup ($cgroup_driver), memory, swap and CPU limits enforced"
