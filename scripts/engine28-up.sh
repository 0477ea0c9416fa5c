#!/usr/bin/env bash
# Brings up a second Docker engine beside the machine's own: Debian unstable's
# docker.io (28.x) with the containerd image store, the engine students run on
# Docker Desktop and CI runners run today. Debian 12 only packages 20.10, so the
# engine runs from a `debootstrap --variant=minbase sid` root with chroot.
#
# It gets its own socket, data root, exec root, pid file and bridge, and
# `--iptables=false` (published ports go through docker-proxy, which needs no
# rules, so the two engines' chains never meet). Never `--bridge=none`: on a
# second engine that deletes the first one's docker0.
#
# Idempotent: a running engine is left alone (seconds); a cached root is reused;
# a cold machine gets everything from Debian's archive (minutes).
# Prints the engine's DOCKER_HOST URL on stdout; progress goes to stderr.
#
# Environment:
#   DRYDOCK_ENGINE28_DIR    where the root lives (default /var/lib/drydock-engines/sid)
#   DRYDOCK_ENGINE28_RUN    socket, pid file and exec root (default /run/drydock-engine28)
#   DRYDOCK_ENGINE28_BRIDGE bridge name (default ddengine28) and
#   DRYDOCK_ENGINE28_CIDR   its address (default 172.31.228.1/24)
#   DRYDOCK_DEBIAN_MIRROR   Debian archive (default http://deb.debian.org/debian)
#   DRYDOCK_ENGINE28_SUITE  suite to take docker.io from (default sid)
#   DRYDOCK_ENGINE28_STORE  image store: containerd (default) or overlay2 (the graph
#                           driver, as on engines upgraded from before Docker 29)
#   DRYDOCK_ENGINE28_STOP=1 stop the engine and unmount its root instead
set -euo pipefail

ROOT=${DRYDOCK_ENGINE28_DIR:-/var/lib/drydock-engines/sid}
RUN=${DRYDOCK_ENGINE28_RUN:-/run/drydock-engine28}
BRIDGE=${DRYDOCK_ENGINE28_BRIDGE:-ddengine28}
CIDR=${DRYDOCK_ENGINE28_CIDR:-172.31.228.1/24}
MIRROR=${DRYDOCK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${DRYDOCK_ENGINE28_SUITE:-sid}
SOCK="$RUN/docker.sock"
HOST="unix://$SOCK"
LOG="$RUN.log"
# What the engine needs beside docker.io: procps (the engine's `top` API runs
# `ps` daemon-side; without it every runtime check is an error), iptables and
# iproute2 (libnetwork looks for them even with --iptables=false), buildx for
# people who want `docker buildx` against this engine.
PKGS=(docker.io containerd runc procps iproute2 iptables docker-buildx ca-certificates)

log() { printf '[engine28-up] %s\n' "$*" >&2; }
answers() { DOCKER_HOST="$HOST" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
mounted() { mountpoint -q "$1"; }

stop_engine() {
  if [ -f "$RUN/docker.pid" ]; then
    local pid; pid=$(cat "$RUN/docker.pid")
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping dockerd ($pid)"
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$RUN/docker.pid"
  fi
  # The engine's own containerd outlives dockerd when dockerd is killed.
  if [ -f "$RUN/exec/containerd/containerd.pid" ]; then
    kill -KILL "$(cat "$RUN/exec/containerd/containerd.pid")" 2>/dev/null || true
  fi
  # Innermost first; lazily, since a dying shim may still hold a mount.
  awk -v r="$ROOT" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
}

# The socket and exec root have one path inside and out; so do the tests'
# throwaway engines started from this root (test/support/scratch-engine.ts).
bind_runs() {
  for d in "$RUN" /run/drydock-scratch; do
    mkdir -p "$d" "$ROOT$d"
    mounted "$ROOT$d" || mount --bind "$d" "$ROOT$d"
  done
}

if [ "${DRYDOCK_ENGINE28_STOP:-}" = 1 ]; then stop_engine; exit 0; fi

if answers; then
  [ "$(id -u)" = 0 ] && bind_runs
  log "engine answers: $(DOCKER_HOST="$HOST" docker version --format '{{.Server.Version}}')"
  echo "$HOST"; exit 0
fi
[ "$(id -u)" = 0 ] || { log "the Docker 28 engine is not running and starting it needs root"; exit 2; }
command -v docker >/dev/null || { log "no docker CLI: run scripts/engine-up.sh first"; exit 2; }

# 1. The root: built once, then cached. Markers say each stage completed, so an
# interrupted debootstrap or install is redone rather than trusted.
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
if [ ! -f "$ROOT/.drydock-complete" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  stop_engine
  if [ ! -f "$ROOT/.drydock-debootstrap" ]; then
    rm -rf "$ROOT"; mkdir -p "$ROOT"
    log "debootstrap --variant=minbase $SUITE $ROOT (cold machine: a few minutes)"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 \
      || { log "debootstrap failed; its log:"; tail -n 30 "$ROOT.debootstrap.log" >&2; exit 2; }
    touch "$ROOT/.drydock-debootstrap"
  fi
  log "installing ${PKGS[*]} in the root"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  # Services must not start inside the chroot while packages install.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"; chmod +x "$ROOT/usr/sbin/policy-rc.d"
  # A mirror that serves a snapshot of unstable carries a Release file whose
  # Valid-Until has passed; its signature is still checked.
  echo 'Acquire::Check-Valid-Until "false";' >"$ROOT/etc/apt/apt.conf.d/99drydock-snapshot"
  in_root apt-get update -qq >"$ROOT.apt.log" 2>&1 \
    && in_root apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >>"$ROOT.apt.log" 2>&1 \
    || { log "apt-get in the root failed; its log:"; tail -n 30 "$ROOT.apt.log" >&2; exit 2; }
  in_root apt-get clean
  touch "$ROOT/.drydock-complete"
fi
# The image store is the point of this engine: written every start, so a root
# cached by an older version of this script gets it too.
mkdir -p "$ROOT/etc/docker"
case "${DRYDOCK_ENGINE28_STORE:-containerd}" in
  containerd) snapshotter=true ;;
  overlay2) snapshotter=false ;;
  *) log "DRYDOCK_ENGINE28_STORE must be containerd or overlay2"; exit 2 ;;
esac
printf '{\n  "features": { "containerd-snapshotter": %s }\n}\n' "$snapshotter" >"$ROOT/etc/docker/daemon.json"

# 2. Mounts. The root is bind-mounted onto itself first (dockerd's `docker
# load` remounts / and fails on a plain chroot directory), then the kernel's
# file systems inside it, made slaves so unmounting them never reaches the host's.
stop_engine
mkdir -p "$RUN"
mounted "$ROOT" || { mount --bind "$ROOT" "$ROOT"; mount --make-private "$ROOT"; }
mounted "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
mounted "$ROOT/sys" || { mount --rbind /sys "$ROOT/sys"; mount --make-rslave "$ROOT/sys"; }
mounted "$ROOT/dev" || { mount --rbind /dev "$ROOT/dev"; mount --make-rslave "$ROOT/dev"; }
bind_runs
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true

# 3. The bridge, made here so dockerd never creates or deletes one itself.
if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  ip addr add "$CIDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
fi

# 4. The engine.
log "starting dockerd from $ROOT"
rm -f "$SOCK"
setsid nohup chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  dockerd --config-file=/etc/docker/daemon.json \
  --host="$HOST" --pidfile="$RUN/docker.pid" --exec-root="$RUN/exec" --data-root=/var/lib/docker \
  --bridge="$BRIDGE" --iptables=false --ip6tables=false --ip-masq=false --log-level=warn \
  >"$LOG" 2>&1 </dev/null &
for _ in $(seq 1 120); do
  if answers; then
    log "engine up: $(DOCKER_HOST="$HOST" docker version --format '{{.Server.Version}}'), $(DOCKER_HOST="$HOST" docker info --format '{{.Driver}}')"
    echo "$HOST"; exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer within 60 s; its log ($LOG):"; tail -n 30 "$LOG" >&2
exit 2
