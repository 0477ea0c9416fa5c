#!/usr/bin/env bash
# Re-runs on a Docker engine every command whose output chapter 01 shows, and rewrites
# chapters/captured/<name>.txt with what the engine really printed, plus
# chapters/captured/MANIFEST: which engine, store and builder made each file, and its sha256.
#
#   DOCKER_HOST=unix:///run/docker28.sock bash scripts/capture-chapter-outputs.sh     # everything
#   bash scripts/capture-chapter-outputs.sh stop-sh oom     # only these (and the files captured with them)
#   bash scripts/capture-chapter-outputs.sh --paste         # copy the files into the chapter's blocks
#
# The book's captures are made on Docker 28 with its containerd image store and BuildKit, the
# Docker a student installs today; test/content/chapter-claims.test.ts fails when a block in the
# chapter differs from its file (ids, digests, PIDs, times normalised), when a file was edited by
# hand (its sha256 is not the MANIFEST's) or when the MANIFEST names another engine.
#
# Every Dockerfile and Go file it builds is read from the chapter itself (the code block whose
# title names the file), so what the reader sees is what was built. Not part of `npm test`: it
# takes about 6 minutes and needs a real engine.
#
# Base images. golang:1.26-alpine must be present
# (`drydock images labs/catalog-image` makes labelled stand-ins offline). busybox:1.37 and
# debian:trixie-slim are pulled; where no registry answers, stand-ins are built and labelled
# io.drydock.standin: busybox:1.37 from Debian trixie's busybox-static on an empty image, and
# debian:trixie-slim from a debootstrap --variant=minbase of trixie. The chapter says which
# output they affect. Stand-ins and their downloads are kept in $DRYDOCK_CAPTURE_CACHE.
#
# Good neighbour on a shared engine: every container it starts carries the label
# io.drydock.capture=1; those containers and the images it tagged are removed at the end, after
# a failure or on Ctrl-C; it never prunes. With no buildx plugin in the CLI, it fetches Debian's
# docker-buildx package into the cache and points DOCKER_CONFIG there for its own commands.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/chapters/captured"
CHAPTER="$ROOT/chapters/01-containers-and-images.md"
LAB="$ROOT/labs/catalog-image"
CACHE=${DRYDOCK_CAPTURE_CACHE:-/var/cache/drydock-capture}

# --paste: no engine; copy every captured file into the chapter block that names it
# (```text ... captured=<name>). For when a command was changed on purpose; review the diff.
if [ "${1:-}" = --paste ]; then
  exec node -e '
    const fs = require("fs"), p = process.argv[1], dir = process.argv[2];
    const text = fs.readFileSync(p, "utf8").replace(/^(```text[^\n]*\bcaptured=([\w-]+)[^\n]*)\n[\s\S]*?^```$/gm,
      (_, head, name) => `${head}\n${fs.readFileSync(`${dir}/${name}.txt`, "utf8")}\`\`\``);
    fs.writeFileSync(p, text);' "$CHAPTER" "$OUT"
fi

die() { echo "capture: $*" >&2; exit 2; }
mkdir -p "$OUT" "$CACHE" || die "cannot create $CACHE (set DRYDOCK_CAPTURE_CACHE)"
WORK=$(mktemp -d /tmp/drydock-capture.XXXXXX)
LABEL=io.drydock.capture=1
# Captures are made in groups; a file's name selects its group.
ONLY=()
for a in "$@"; do
  case $a in host-view|stop-exec) a=run ;; stop-busybox) a=shells ;; stop-sh-init) a=stop-sh ;; oom) a=cgroups ;; esac
  ONLY+=("$a")
done
wanted() { [ ${#ONLY[@]} -eq 0 ] && return 0; local n; for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

# --- the engine and the builder ----------------------------------------------------------
command docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset})"
# A private apt for Debian packages the host's suites lack: lists and downloads stay in $CACHE.
apt_from() { # apt_from SUITE apt-get-args...
  local suite=$1; shift
  local d="$CACHE/apt/$suite"; mkdir -p "$d/lists/partial" "$d/cache"
  echo "deb http://deb.debian.org/debian $suite main" >"$d/sources.list"
  local o=(-o "Dir::Etc::sourcelist=$d/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
  [ -n "$(ls "$d/lists" 2>/dev/null | grep -v partial)" ] || apt-get "${o[@]}" update -qq >/dev/null 2>&1 || return 1
  apt-get "${o[@]}" "$@"
}
if ! command docker buildx version >/dev/null 2>&1; then
  plug="$CACHE/docker-config/cli-plugins/docker-buildx"
  if [ ! -x "$plug" ]; then
    echo "no buildx plugin: fetching Debian's docker-buildx into $CACHE" >&2
    mkdir -p "$CACHE/docker-config/cli-plugins" "$WORK/buildx"
    ( cd "$WORK/buildx" && apt_from sid download docker-buildx >/dev/null 2>&1 ) || die "could not download docker-buildx"
    dpkg-deb -x "$WORK"/buildx/docker-buildx_*.deb "$WORK/buildx/x" && install -m 755 "$WORK/buildx/x/usr/libexec/docker/cli-plugins/docker-buildx" "$plug"
  fi
  export DOCKER_CONFIG="$CACHE/docker-config"
  command docker buildx version >/dev/null 2>&1 || die "docker buildx does not work"
fi
ENGINE=$(command docker version --format '{{.Server.Version}}')
STORE=$(command docker info --format '{{.Driver}} {{range .DriverStatus}}{{index . 0}}={{index . 1}} {{end}}' | grep -q 'io.containerd.snapshotter' && echo containerd || echo classic)
CGROUP=$(command docker info --format '{{.CgroupVersion}}')

for img in golang:1.26-alpine; do
  command docker image inspect "$img" >/dev/null 2>&1 || die "missing base image $img (run: drydock images labs/catalog-image)"
done

# --- busybox:1.37 and debian:trixie-slim: pulled, or stand-ins ------------------------------
STANDIN=io.drydock.standin
standin_busybox() {
  local d="$WORK/busybox"; mkdir -p "$d/root/bin"
  ( cd "$d" && apt_from trixie download busybox-static >/dev/null 2>&1 ) || die "could not download busybox-static from trixie"
  dpkg-deb -x "$d"/busybox-static_*.deb "$d/x"
  # trixie installs it under /usr/bin (merged /usr), older suites under /bin
  cp "$(find "$d/x" -path "*/bin/busybox" -type f | head -n 1)" "$d/root/bin/busybox" || die "no busybox in busybox-static"
  for a in $("$d/root/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$d/root/bin/$a"; done
  mkdir -p "$d/root/tmp" "$d/root/etc" && chmod 1777 "$d/root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$d/root/etc/passwd"
  ( cd "$d/root" && tar -c --owner=0 --group=0 . ) |
    command docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' -c "LABEL $STANDIN=\"busybox 1.37 from Debian trixie's busybox-static, on an empty image\"" - busybox:1.37 >/dev/null
}
standin_debian() {
  local r="$CACHE/trixie-minbase"
  if [ ! -x "$r/bin/bash" ]; then
    echo "debootstrap of trixie (a few minutes)" >&2
    debootstrap --variant=minbase trixie "$r" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 || { tail "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  fi
  tar -C "$r" --numeric-owner --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -c . |
    command docker import -c 'CMD ["bash"]' -c "LABEL $STANDIN=\"debootstrap --variant=minbase trixie\"" - debian:trixie-slim >/dev/null
}
for img in busybox:1.37 debian:trixie-slim; do
  command docker image inspect "$img" >/dev/null 2>&1 && continue
  timeout 60 docker pull -q "$img" >/dev/null 2>&1 && continue
  echo "no registry answers for $img: building a labelled stand-in" >&2
  case $img in busybox:*) standin_busybox ;; debian:*) standin_debian ;; esac
done
standins=$(for img in golang:1.26-alpine busybox:1.37 debian:trixie-slim; do
  # This script's label, or the one `drydock images` gives its stand-ins (golang:1.26-alpine).
  command docker image inspect -f "{{index .Config.Labels \"$STANDIN\"}}{{index .Config.Labels \"io.drydock.stand-in\"}}" "$img" 2>/dev/null | grep -q . && echo "$img"
done | paste -sd, -)

# --- cleanup --------------------------------------------------------------------------------
TAGS=(catalog-sigint:dev bookstore/catalog:dev bookstore/catalog:on-debian bookstore/catalog:on-busybox greeter:dev plain-go:dev leaky:dev)
cleanup() {
  command docker ps -aq --filter "label=$LABEL" | xargs -r docker rm -f >/dev/null 2>&1
  for ref in "${TAGS[@]}"; do command docker image rm "$ref" >/dev/null 2>&1; done
  rm -rf "$WORK"
  rm -f "$OUT"/*.tmp
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- transcript helpers -----------------------------------------------------------------
# cap NAME: start chapters/captured/NAME.txt.  run 'CMD': print "$ CMD" and run it in this
# shell (so variables carry over), stdout and stderr both recorded.  timed 'CMD': the same,
# followed by "(took N.NN s)" measured around the command.  quiet 'CMD': run, record nothing.
F=/dev/null
cap() { F="$OUT/$1.tmp"; : >"$F"; CUR=$1; echo "capturing $1" >&2; }
MANIFEST_NEW="$WORK/manifest"; : >"$MANIFEST_NEW"
done_cap() {
  mv "$F" "$OUT/$CUR.txt"; F=/dev/null
  printf '%s %s engine=%s store=%s builder=buildkit cgroup=v%s standins=%s\n' "$CUR" \
    "$(sha256sum "$OUT/$CUR.txt" | cut -d' ' -f1)" "$ENGINE" "$STORE" "$CGROUP" "${standins:-none}" >>"$MANIFEST_NEW"
}
run() { printf '$ %s\n' "$1" >>"$F"; eval "$1" >>"$F" 2>&1; }
timed() {
  printf '$ %s\n' "$1" >>"$F"
  local t0 t1; t0=$(date +%s.%N); eval "$1" >>"$F" 2>&1; t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "(took %.2f s)\n", b - a }' >>"$F"
}
quiet() { eval "$1" >/dev/null 2>&1; }
# Every container this script starts is labelled, without the label cluttering the transcript.
docker() { if [ "$1" = run ]; then shift; command docker run --label "$LABEL" "$@"; else command docker "$@"; fi; }
healthy() { # wait until the service answers on host port $1
  local i; for i in $(seq 1 100); do curl -fs "localhost:$1/healthz" >/dev/null && return 0; sleep 0.1; done; return 1; }
# from_chapter TITLE FILE: the chapter's code block titled TITLE, written to FILE.
from_chapter() {
  node -e '
    const [p, title] = process.argv.slice(1);
    const esc = title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const m = new RegExp("^```\\w+ title=\"" + esc + "\"\\n([\\s\\S]*?)^```$", "m").exec(require("fs").readFileSync(p, "utf8"));
    if (!m) { console.error(`no code block titled ${title} in the chapter`); process.exit(2); }
    process.stdout.write(m[1]);' "$CHAPTER" "$1" >"$2" || die "the chapter has no block titled $1"
}

# --- inputs: the starter's program, the chapter's Dockerfiles --------------------------------
SRC="$WORK/catalog"; mkdir -p "$SRC"
cp "$LAB/starter/main.go" "$LAB/starter/go.mod" "$LAB/starter/.dockerignore" "$SRC/"
from_chapter Dockerfile "$SRC/Dockerfile"
from_chapter Dockerfile.on-debian "$SRC/Dockerfile.on-debian"
from_chapter Dockerfile.on-busybox "$SRC/Dockerfile.on-busybox"
mkdir -p "$WORK/greeter" "$WORK/plain-go" "$WORK/leaky"
from_chapter greeter/Dockerfile "$WORK/greeter/Dockerfile"
from_chapter plain-go/main.go "$WORK/plain-go/main.go"
from_chapter plain-go/Dockerfile "$WORK/plain-go/Dockerfile"
from_chapter leaky/Dockerfile "$WORK/leaky/Dockerfile"

build() { # build TAG DIR [DOCKERFILE]: unrecorded builds of what a capture starts from
  # Always built, never skipped because the tag exists: a cached build takes a few seconds,
  # and it is what puts the catalog's steps in the build cache before plain-go's (see below).
  echo "building $1" >&2
  local try
  for try in 1 2 3; do # a loaded machine can fail a step for want of processes; try again
    ( cd "$2" && command docker build -q -f "${3:-Dockerfile}" -t "$1" . ) >"$WORK/build.log" 2>&1 && return 0
    echo "build of $1 failed (try $try): $(tail -n 1 "$WORK/build.log")" >&2
  done
  die "build of $1 failed"
}
# Everything is built once before any capture, so that the builds a transcript shows come from
# the cache and cannot fail for reasons that have nothing to do with the chapter. In the order
# the chapter builds them, the catalog first: BuildKit names a step that two Dockerfiles share
# (FROM golang:1.26-alpine, WORKDIR /src) after the build that first put it in the build cache,
# and later builds print that name. Built after plain-go, the catalog's cached steps would print
# plain-go's "[build 1/4]" and "[build 2/4]" beside its own "[build 3/6]", which a reader who
# follows the chapter, and so builds the catalog first, never sees. check_steps below refuses
# such a transcript.
wanted image || wanted run || wanted layers || wanted sizes || wanted cache-rebuild || wanted expose || wanted quiz-answers || wanted no-handler && build bookstore/catalog:dev "$SRC"
wanted entrypoint-cmd && build greeter:dev "$WORK/greeter"
wanted no-handler && build plain-go:dev "$WORK/plain-go"
wanted sizes || wanted stop-sh || wanted shells && build bookstore/catalog:on-debian "$SRC" Dockerfile.on-debian
wanted shells || wanted quiz-answers && build bookstore/catalog:on-busybox "$SRC" Dockerfile.on-busybox
# check_steps FILE: every "[build i/n]" step label in a captured catalog build counts the steps
# of the catalog's build stage (its FROM, RUN, COPY, ADD and WORKDIR lines up to the next FROM;
# the other instructions only set the image's config, and BuildKit does not count them). A
# label with another total was named by another Dockerfile's build (see above): this engine's
# build cache met plain-go's build before the catalog's. Prune the build cache (docker builder
# prune) and capture again.
BUILD_STEPS=$(awk '/^[[:space:]]*(#|$)/ { next } cont { cont = /\\$/; next } { cont = /\\$/ } /^FROM / && n { exit } /^(FROM|RUN|COPY|ADD|WORKDIR) / { n++ } END { print n }' "$SRC/Dockerfile")
check_steps() {
  local odd; odd=$(grep -oE '\[build [0-9]+/[0-9]+\]' "$1" | grep -v "/$BUILD_STEPS\\]\$" | sort -u | paste -sd' ' -)
  [ -z "$odd" ] || die "$(basename "$1" .tmp): step labels $odd are another Dockerfile's names for the catalog's cached steps; prune this engine's build cache and capture again"
}
cd "$SRC" || die "no $SRC"

# --- captures -----------------------------------------------------------------------------
if wanted engine; then
  cap engine
  run "docker version --format 'client {{.Client.Version}}, engine {{.Server.Version}}'"
  run "docker info --format 'cgroup v{{.CgroupVersion}}, storage {{.Driver}}'"
  run "docker buildx version"
  done_cap
fi

if wanted image; then
  cap image
  run "docker build -q -t bookstore/catalog:dev ."
  run "docker image ls --format 'table {{.Repository}}:{{.Tag}}\t{{.Size}}' bookstore/catalog:dev"
  run "docker image inspect bookstore/catalog:dev --format 'Entrypoint={{.Config.Entrypoint}} Cmd={{.Config.Cmd}} User={{.Config.User}} Exposed={{.Config.ExposedPorts}}'"
  done_cap
fi

if wanted run; then
  build bookstore/catalog:dev "$SRC"
  cap run
  run "docker run -d --name catalog -p 8080:8080 bookstore/catalog:dev"
  quiet "healthy 8080"
  run "curl -s localhost:8080/healthz"
  run "curl -s localhost:8080/readyz"
  run "curl -s localhost:8080/books | head -c 120; echo"
  done_cap

  cap host-view
  run "docker top catalog -o user,pid,ppid,args"
  run "pid=\$(docker inspect -f '{{.State.Pid}}' catalog); echo \$pid"
  run "ps -o user,pid,ppid,cmd -p \$pid"
  run "for ns in pid net mnt uts ipc cgroup user; do echo \"\$ns: catalog \$(readlink /proc/\$pid/ns/\$ns)  this shell \$(readlink /proc/\$\$/ns/\$ns)\"; done"
  done_cap

  cap stop-exec
  timed "docker stop catalog"
  run "docker inspect catalog --format '{{.State.ExitCode}}'"
  run "docker logs catalog"
  run "docker rm catalog"
  done_cap
fi

if wanted layers; then
  build bookstore/catalog:dev "$SRC"
  cap layers
  run "docker history bookstore/catalog:dev --format '{{.Size}}\t{{.CreatedBy}}'"
  run "docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' bookstore/catalog:dev"
  done_cap
fi

if wanted sizes; then
  build bookstore/catalog:dev "$SRC"
  build bookstore/catalog:on-debian "$SRC" Dockerfile.on-debian
  cap sizes
  run "docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E '^(bookstore/catalog|debian|golang):(dev|on-debian|trixie-slim|1.26-alpine) '"
  run "docker history bookstore/catalog:dev --human=false --format '{{.Size}}' | awk '{ s += \$1 } END { print s }'"
  run "docker image inspect bookstore/catalog:dev --format '{{.Size}}'"
  run "docker save bookstore/catalog:dev | gzip | wc -c"
  run "docker system df -v | grep -E '^REPOSITORY|^(bookstore/catalog|debian) +(dev|on-debian|trixie-slim) '"
  done_cap
fi

if wanted writable-layer; then
  # No docker exec: each run of the container appends a line and prints the file.
  cap writable-layer
  run "docker run --name notes busybox:1.37 sh -c 'echo kept >> /note.txt; cat /note.txt'"
  run "docker diff notes"
  run "docker start -a notes"
  run "docker rm notes"
  run "docker run --name notes busybox:1.37 sh -c 'echo kept >> /note.txt; cat /note.txt'"
  run "docker rm notes"
  done_cap
fi

if wanted secret-layer; then
  cap secret-layer
  cd "$WORK/leaky" || die "no leaky/"
  run "echo 'token=do-not-ship-me' > token.txt"
  run "docker build -q -t leaky:dev ."
  run "docker run --rm leaky:dev ls /app"
  run "mkdir saved && docker save leaky:dev | tar -x -C saved"
  run "for blob in saved/blobs/sha256/*; do tar -xOf \"\$blob\" app/token.txt 2>/dev/null && echo \"  found in layer \${blob##*/}\"; done | cut -c1-40"
  cd "$SRC" || die "no $SRC"
  done_cap
fi

if wanted entrypoint-cmd; then
  cap entrypoint-cmd
  cd "$WORK/greeter" || die "no greeter/"
  run "docker build -q -t greeter:dev ."
  run "docker image inspect greeter:dev --format 'Entrypoint={{json .Config.Entrypoint}} Cmd={{json .Config.Cmd}}'"
  run "docker run --rm greeter:dev"
  run "docker run --rm greeter:dev goodbye"
  run "docker run --rm --entrypoint ls greeter:dev /bin/busybox"
  cd "$SRC" || die "no $SRC"
  done_cap
fi

if wanted cache-rebuild; then
  build bookstore/catalog:dev "$SRC"
  cap cache-rebuild
  # The comment is new on every run, so the build cache of an earlier run cannot answer it.
  run "echo \"// edited at \$(date +%T)\" >> main.go"
  run "docker build --progress=plain -t bookstore/catalog:dev . 2>&1 | grep -E '^#[0-9]+ (\\[|CACHED)'"
  check_steps "$F"
  done_cap
fi

if wanted expose; then
  build bookstore/catalog:dev "$SRC"
  cap expose
  run "docker run -d --name catalog-quiet bookstore/catalog:dev >/dev/null; docker port catalog-quiet; echo \"(\$(docker port catalog-quiet | wc -l) published ports)\""
  run "docker run -d --name catalog-all -P bookstore/catalog:dev >/dev/null; docker port catalog-all"
  run "docker rm -f catalog-quiet catalog-all"
  done_cap
fi

if wanted no-handler; then
  cap no-handler
  cd "$WORK/plain-go" || die "no plain-go/"
  run "docker build -q -t plain-go:dev ."
  run "docker run -d --name plain plain-go:dev >/dev/null"
  quiet "sleep 1"
  timed "docker stop plain"
  run "docker inspect plain --format '{{.State.ExitCode}}'"
  run "docker run -d --init --name plain-init plain-go:dev >/dev/null"
  quiet "sleep 1"
  run "docker top plain-init -o pid,args"
  timed "docker stop plain-init"
  run "docker inspect plain-init --format '{{.State.ExitCode}}'"
  run "docker rm plain plain-init"
  cd "$SRC" || die "no $SRC"
  done_cap
fi

if wanted stop-sh; then
  cap stop-sh
  run "docker build -q -f Dockerfile.on-debian -t bookstore/catalog:on-debian ."
  run "docker run -d --name catalog-sh -p 8082:8080 bookstore/catalog:on-debian >/dev/null"
  quiet "healthy 8082"
  run "docker top catalog-sh -o pid,args"
  timed "docker stop catalog-sh"
  run "docker inspect catalog-sh --format '{{.State.ExitCode}}'"
  run "docker logs catalog-sh"
  done_cap

  cap stop-sh-init
  run "docker run -d --init --name catalog-sh-init -p 8084:8080 bookstore/catalog:on-debian >/dev/null"
  quiet "healthy 8084"
  run "docker top catalog-sh-init -o pid,args"
  timed "docker stop catalog-sh-init"
  run "docker inspect catalog-sh-init --format '{{.State.ExitCode}}'"
  run "docker logs catalog-sh-init"
  run "docker rm catalog-sh catalog-sh-init"
  done_cap
fi

if wanted shells; then
  build bookstore/catalog:on-debian "$SRC" Dockerfile.on-debian
  cap shells
  run "docker run --rm debian:trixie-slim sh -c 'echo starting; cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  run "docker run --rm busybox:1.37 sh -c 'echo starting; cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  run "docker run --rm debian:trixie-slim bash -c 'echo starting; cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  run "docker run --rm debian:trixie-slim sh -c 'cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  done_cap

  cap stop-busybox
  run "docker build -q -f Dockerfile.on-busybox -t bookstore/catalog:on-busybox ."
  run "docker run -d --name catalog-bb -p 8083:8080 bookstore/catalog:on-busybox >/dev/null"
  quiet "healthy 8083"
  run "docker top catalog-bb -o pid,args"
  timed "docker stop catalog-bb"
  run "docker inspect catalog-bb --format '{{.State.ExitCode}}'"
  run "docker logs catalog-bb"
  run "docker rm catalog-bb"
  done_cap
fi

if wanted zombie; then
  cap zombie
  run "docker run -d --name reaper busybox:1.37 sh -c '(sleep 1 &); exec sleep 600' >/dev/null"
  quiet "sleep 2.5"
  run "docker top reaper -o pid,args"
  run "ps -o pid,ppid,stat,comm --ppid \$(docker inspect -f '{{.State.Pid}}' reaper)"
  run "docker run -d --init --name reaper-init busybox:1.37 sh -c '(sleep 1 &); exec sleep 600' >/dev/null"
  quiet "sleep 2.5"
  run "docker top reaper-init -o pid,args"
  run "ps -o pid,ppid,stat,comm --ppid \$(docker inspect -f '{{.State.Pid}}' reaper-init)"
  run "docker rm -f reaper reaper-init"
  done_cap
fi

if wanted cgroups; then
  cap cgroups
  run "docker run --rm --memory 256m --cpus 1 --pids-limit 128 busybox:1.37 grep -H . /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/pids/pids.max"
  run "docker run --rm busybox:1.37 grep -H . /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max"
  done_cap

  cap oom
  run "docker run --name hungry --memory 64m --memory-swap 64m busybox:1.37 sh -c 'head -c 300m /dev/zero | tail'; echo \"exit status \$?\""
  run "docker inspect hungry --format 'ExitCode={{.State.ExitCode}} OOMKilled={{.State.OOMKilled}}'"
  run "docker rm hungry"
  done_cap
fi

if wanted quiz-answers; then
  # The end-of-chapter quizzes ask about variants the chapter does not show; these are the
  # engine's answers, in a drawer after the quizzes.
  build bookstore/catalog:dev "$SRC"
  build bookstore/catalog:on-busybox "$SRC" Dockerfile.on-busybox
  cap quiz-answers
  run "docker run -d --name q-busybox --entrypoint sh bookstore/catalog:on-busybox -c '/catalog; echo catalog exited' >/dev/null"
  quiet "sleep 1"
  timed "docker stop q-busybox"
  run "docker inspect q-busybox --format '{{.State.ExitCode}}'"
  run "printf 'FROM bookstore/catalog:dev\\nSTOPSIGNAL SIGINT\\n' | docker build -q -t catalog-sigint:dev - >/dev/null"
  run "docker run -d --name q-sigint catalog-sigint:dev >/dev/null"
  quiet "sleep 1"
  timed "docker stop q-sigint"
  run "docker inspect q-sigint --format '{{.State.ExitCode}}'; docker logs q-sigint 2>&1 | tail -n 2 | cut -c21-"
  run "docker run -d --init --name q-init bookstore/catalog:dev >/dev/null"
  quiet "sleep 1"
  timed "docker stop q-init"
  run "docker inspect q-init --format '{{.State.ExitCode}}'; docker logs q-init 2>&1 | tail -n 2 | cut -c21-"
  run "docker run -d --name q-local -p 127.0.0.1:8086:8080 bookstore/catalog:dev >/dev/null; docker port q-local"
  quiet "healthy 8086"
  run "curl -s 127.0.0.1:8086/healthz"
  run "curl -s -m 2 \"http://\$(hostname -I | cut -d' ' -f1):8086/healthz\" || echo \"curl exit \$?\""
  run "touch main.go && docker build --progress=plain -t bookstore/catalog:dev . 2>&1 | grep -E '^#[0-9]+ (\\[|CACHED)'"
  run "docker rm -f q-busybox q-sigint q-init q-local >/dev/null; docker image rm catalog-sigint:dev >/dev/null"
  check_steps "$F"
  done_cap
fi

# The MANIFEST keeps the entries of files this run did not rewrite.
touch "$OUT/MANIFEST"
awk 'NR == FNR { fresh[$1] = 1; next } !/^#/ && !($1 in fresh)' "$MANIFEST_NEW" "$OUT/MANIFEST" | cat - "$MANIFEST_NEW" | sort >"$WORK/m"
{ echo "# name sha256 engine store builder cgroup standins: written by scripts/capture-chapter-outputs.sh"; cat "$WORK/m"; } >"$OUT/MANIFEST"
rm -f "$OUT"/*.tmp
echo "captured into $OUT on Docker $ENGINE ($STORE store, cgroup v$CGROUP; stand-ins: ${standins:-none})" >&2
