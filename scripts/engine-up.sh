#!/usr/bin/env bash
# Brings up what the tests need on a fresh Debian machine of this kind:
# a Docker engine (Debian's docker.io, started here when none answers),
# debootstrap for the stand-in toolchain image, and Chromium for the book.
# Idempotent: a second run finds everything present and returns quickly.
set -euo pipefail

log() { printf '[engine-up] %s\n' "$*" >&2; }

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
# The tests start throwaway second engines on bridges of their own.
command -v ip >/dev/null 2>&1 || need_pkgs+=(iproute2)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need_pkgs+=(fonts-dejavu-core)
[ -f /etc/ssl/certs/ca-certificates.crt ] || need_pkgs+=(ca-certificates)
[ -d /usr/share/zoneinfo/Europe ] || need_pkgs+=(tzdata)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing packages: ${need_pkgs[*]} (not root, cannot install them)"; exit 2
  fi
  log "installing ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_answers; then
  log "engine answers: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
  exit 0
fi
if [ -n "${DOCKER_HOST:-}" ]; then
  log "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local engine"; exit 2
fi
if [ "$(id -u)" != 0 ]; then
  log "no engine answers and not root: start Docker yourself"; exit 2
fi

# A pid file left by an ended session blocks dockerd from starting.
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi
if command -v pgrep >/dev/null && ! pgrep -x containerd >/dev/null; then
  rm -f /run/containerd/containerd.pid 2>/dev/null || true
fi
log "starting dockerd"
nohup dockerd --log-level=warn >/var/log/drydock-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  engine_answers && { log "engine up: $(docker version --format '{{.Server.Version}}')"; exit 0; }
  sleep 1
done
log "dockerd did not answer within 60 s; its log:"; tail -n 30 /var/log/drydock-dockerd.log >&2
exit 2
