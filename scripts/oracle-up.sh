#!/usr/bin/env bash
# Builds the BuildKit oracles for the differential Dockerfile test
# (test/reference/dockerfile-oracle.test.ts): test/oracle/*.go compiled against
# BuildKit's own Dockerfile frontend (parser, instruction parser, shell lexer,
# dockerfile2llb), once per frontend generation the grader meets:
#   0.8      what Docker 20.10 embeds: moby 20.10.24's vendored BuildKit, from
#            Debian 12's docker.io source package (apt-get source), built with
#            Debian 12's Go 1.19 and its golang-*-dev packages;
#   current  what Debian's newest docker.io embeds: BuildKit's source as Debian
#            unstable's golang-github-docker-docker-dev (built from docker.io)
#            ships it, built with unstable's Go and golang-*-dev packages.
# Each is built in a debootstrap root of its own suite, so the host keeps its
# packages and the two generations keep their own Go and libraries. Nothing but
# Debian's archive is used; nothing of BuildKit enters the repository.
#
# Idempotent: the binaries, BuildKit's parser test files and a stamp of the
# oracle's sources are kept in $DRYDOCK_ORACLE_DIR (/var/cache/drydock-oracle);
# a run that finds them current returns at once. A changed test/oracle/*.go is
# rebuilt in the existing roots.
# Measured on this kind of machine (2 vCPU, Debian 12), 2026-12-04, under a heavy
# shared load (load average 40-400), in parts: bookworm root (debootstrap, Go,
# 15 -dev packages, apt-get source) 13 min, its compile 3 min; unstable root
# (debootstrap 12 min, Go and ~560 packages the -dev list pulls in 35 min), its
# compile 3 min. So cold is long (roughly an hour under that load; expect far
# less on a quiet machine): the cache makes it once per machine. Warm (nothing
# to do): 0.3 s. A changed test/oracle/*.go rebuilds in the kept roots (minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${DRYDOCK_ORACLE_DIR:-/var/cache/drydock-oracle}
MIRROR=${DRYDOCK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
log() { printf '[oracle-up] %s\n' "$*" >&2; }

# What the oracle is compiled from: its sources and this recipe.
stamp=$(cat test/oracle/common.go test/oracle/bk08/gen.go test/oracle/current/gen.go "$0" | sha256sum | cut -c1-16)
if [ -x "$CACHE/bin/oracle-0.8" ] && [ -x "$CACHE/bin/oracle-current" ] && [ -f "$CACHE/testfiles/index.txt" ] &&
  [ "$(cat "$CACHE/bin/stamp" 2>/dev/null)" = "$stamp" ]; then
  log "oracles are built: $("$CACHE/bin/oracle-0.8" --version), $("$CACHE/bin/oracle-current" --version)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  log "the BuildKit oracles are not built and this is not root (debootstrap and chroot need it): the differential test will be skipped (it fails under CI=true)"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || { log "installing debootstrap"; apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

mkdir -p "$CACHE/roots" "$CACHE/bin"
in_root() { chroot "$CACHE/roots/$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive sh -euc "$2"; }

# A minimal root of one suite with Go and the packages BuildKit's frontend needs,
# made under a temporary name and renamed when complete, so a killed run leaves no half root.
make_root() {
  local name=$1 suite=$2 packages=$3 prepare=$4
  [ -f "$CACHE/roots/$name/.ready" ] && return 0
  local tmp="$CACHE/roots/$name.tmp"
  rm -rf "$tmp" "$CACHE/roots/$name"
  log "$name: debootstrap $suite (minbase)"
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$tmp" "$MIRROR" >"$CACHE/roots/$name.log" 2>&1 ||
    { log "debootstrap failed; its log:"; tail -n 20 "$CACHE/roots/$name.log" >&2; exit 2; }
  printf 'deb %s %s main\ndeb-src %s %s main\n' "$MIRROR" "$suite" "$MIRROR" "$suite" >"$tmp/etc/apt/sources.list"
  rm -f "$tmp/etc/apt/sources.list.d/"*
  # A mirror may serve a snapshot whose Release is past its Valid-Until (unstable's was, 28 days, on this
  # machine's mirror); debootstrap does not check it, apt would refuse to read the indexes.
  echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99drydock-oracle"
  mv "$tmp" "$CACHE/roots/$name"
  log "$name: installing Go and $(echo "$packages" | wc -w) packages"
  in_root "$name" "apt-get update -qq && apt-get install -y -qq --no-install-recommends golang-go $packages >/dev/null"
  in_root "$name" "$prepare"
  touch "$CACHE/roots/$name/.ready"
}

# 0.8: moby 20.10.24 vendors BuildKit (engine/vendor); the rest of its imports are Debian 12 packages.
make_root bookworm bookworm \
  "dpkg-dev xz-utils golang-github-containerd-containerd-dev golang-github-containerd-typeurl-dev golang-github-docker-distribution-dev golang-github-docker-go-connections-dev golang-github-gogo-protobuf-dev golang-github-golang-protobuf-1-5-dev golang-github-google-shlex-dev golang-github-moby-locker-dev golang-github-opencontainers-go-digest-dev golang-github-opencontainers-image-spec-dev golang-github-pkg-errors-dev golang-golang-x-crypto-dev golang-golang-x-sync-dev" \
  'rm -rf /build && mkdir -p /build && cd /build && apt-get source -qq docker.io >/dev/null 2>&1 &&
   src=$(ls -d /build/docker.io-*/) && mkdir -p gp1 gp2/src/github.com/docker &&
   ln -s "$src/engine/vendor" gp1/src && ln -s "$src/engine" gp2/src/github.com/docker/docker &&
   sed -n "s/^github.com\/moby\/buildkit *[0-9a-f]* *# *//p" "$src/engine/vendor.conf" >/build/buildkit-version &&
   dpkg-parsechangelog -l "$src/debian/changelog" -S Version >/build/debian-version'

# current: BuildKit's source as unstable's golang-github-docker-docker-dev ships it (not installed, only
# unpacked: its dependencies are the whole engine's); the packages below are what the frontend imports.
make_root sid unstable \
  "golang-github-agext-levenshtein-dev golang-github-containerd-containerd-dev golang-github-containerd-errdefs-dev golang-github-containerd-log-dev golang-github-containerd-platforms-dev golang-github-containerd-typeurl-dev golang-github-distribution-reference-dev golang-github-docker-go-units-dev golang-github-golang-protobuf-1-5-dev golang-github-google-shlex-dev golang-github-in-toto-in-toto-golang-dev golang-github-moby-docker-image-spec-dev golang-github-moby-locker-dev golang-github-moby-patternmatcher-dev golang-github-moby-sys-dev golang-github-opencontainers-go-digest-dev golang-github-opencontainers-image-spec-dev golang-github-pkg-errors-dev golang-github-planetscale-vtprotobuf-dev golang-github-sirupsen-logrus-dev golang-github-tonistiigi-dchapes-mode-dev golang-github-tonistiigi-fsutil-dev golang-opentelemetry-contrib-dev golang-opentelemetry-otel-dev golang-golang-x-crypto-dev golang-golang-x-net-dev golang-golang-x-sync-dev golang-golang-x-sys-dev golang-google-genproto-dev golang-google-grpc-dev golang-google-protobuf-dev" \
  'rm -rf /build && mkdir -p /build/gp1 && cd /build && apt-get download -qq golang-github-docker-docker-dev >/dev/null &&
   dpkg-deb -x golang-github-docker-docker-dev_*.deb /build/unpacked && ln -s /build/unpacked/usr/share/gocode/src gp1/src &&
   dpkg-deb -f golang-github-docker-docker-dev_*.deb Version >/build/debian-version && echo "as vendored by docker.io" >/build/buildkit-version'

build() {
  local name=$1 gen=$2 dir=$3
  rm -rf "$CACHE/roots/$name/build/oracle" && mkdir -p "$CACHE/roots/$name/build/oracle"
  cp test/oracle/common.go "test/oracle/$dir/gen.go" "$CACHE/roots/$name/build/oracle/"
  log "building oracle-$gen"
  # Go 1.27 finds its GOROOT through /proc/self/exe, which the root does not mount.
  in_root "$name" 'export GOROOT=$(dirname $(dirname $(readlink -f /usr/bin/go))) GOTELEMETRY=off && cd /build/oracle && v="$(cat /build/buildkit-version) (Debian docker.io $(cat /build/debian-version))" &&
    CGO_ENABLED=0 GO111MODULE=off GOFLAGS= GOPATH=/build/gp1:/build/gp2:/usr/share/gocode GOCACHE=/build/gocache \
    go build -o /build/oracle.bin -ldflags "-X \"main.buildkitVersion=$v\"" .'
  install -m 0755 "$CACHE/roots/$name/build/oracle.bin" "$CACHE/bin/oracle-$gen.new"
  mv "$CACHE/bin/oracle-$gen.new" "$CACHE/bin/oracle-$gen"
}
build bookworm 0.8 bk08
build sid current current

# BuildKit's own parser test files, from the same source as the current oracle.
tf="$CACHE/roots/sid/build/unpacked/usr/share/gocode/src/github.com/moby/buildkit/frontend/dockerfile/parser/testfiles"
rm -rf "$CACHE/testfiles" && cp -r "$tf" "$CACHE/testfiles"
(cd "$CACHE/testfiles" && for d in */; do [ -f "$d/Dockerfile" ] && echo "${d%/}"; done) >"$CACHE/testfiles/index.txt"

echo "$stamp" >"$CACHE/bin/stamp"
log "built: $("$CACHE/bin/oracle-0.8" --version); $("$CACHE/bin/oracle-current" --version); $(wc -l <"$CACHE/testfiles/index.txt") parser test files"
