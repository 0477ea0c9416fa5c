#!/usr/bin/env bash
# Re-runs on the local Docker engine every command whose output chapter 01 shows, and rewrites
# chapters/captured/<name>.txt with what the engine really printed.
#
#   bash scripts/capture-chapter-outputs.sh            # all captures (about 5-8 minutes)
#   bash scripts/capture-chapter-outputs.sh stop-sh oom  # only these (and the files captured with them)
#   bash scripts/capture-chapter-outputs.sh --paste      # copy the files into the chapter's blocks
#
# test/content/chapter-claims.test.ts then checks that every output block in the chapter matches its
# file (ids, digests, PIDs, timestamps and durations normalised) and that the files still
# support what the prose claims. This script is NOT part of `npm test`: it is slow and needs
# a real engine. Run it after changing the chapter's commands or the catalog, or on a new
# engine, and commit the files it rewrites.
#
# Good neighbour on a shared engine: every container it starts carries the label
# io.drydock.capture=1; containers and the images this run created are removed at the end,
# after a failure or on Ctrl-C; it never prunes. Needs: docker, curl, apt-get (busybox-static, downloaded, not installed),
# and the base images golang:1.26-alpine and gcr.io/distroless/static:nonroot (drydock images).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/chapters/captured"
LAB="$ROOT/labs/catalog-image"
# --paste: no engine; copy every captured file into the chapter block that names it
# (```text ... captured=<name>). For when a command was changed on purpose; review the diff.
if [ "${1:-}" = --paste ]; then
  exec node -e '
    const fs = require("fs"), p = process.argv[1], dir = process.argv[2];
    const text = fs.readFileSync(p, "utf8").replace(/^(```text[^\n]*\bcaptured=([\w-]+)[^\n]*)\n[\s\S]*?^```$/gm,
      (_, head, name) => `${head}\n${fs.readFileSync(`${dir}/${name}.txt`, "utf8")}\`\`\``);
    fs.writeFileSync(p, text);' "$ROOT/chapters/01-containers-and-images.md" "$OUT"
fi
WORK=$(mktemp -d /tmp/drydock-capture.XXXXXX)
LABEL=io.drydock.capture=1
# Captures are made in groups; a file's name selects its group.
ONLY=()
for a in "$@"; do
  case $a in host-view|stop-exec) a=run ;; stop-busybox) a=shells ;; stop-sh-init) a=stop-sh ;; oom) a=cgroups ;; esac
  ONLY+=("$a")
done
mkdir -p "$OUT"

for img in golang:1.26-alpine gcr.io/distroless/static:nonroot; do
  docker image inspect "$img" >/dev/null 2>&1 || { echo "missing base image $img (run: drydock images labs/catalog-image)" >&2; exit 2; }
done

BEFORE="$WORK/images-before"
docker images -aq --no-trunc | sort -u >"$BEFORE"

cleanup() {
  docker ps -aq --filter "label=$LABEL" | xargs -r docker rm -f >/dev/null 2>&1
  # Images this run created: tagged ones by name, untagged intermediates of the classic
  # builder by "new since the start and without a tag".
  for ref in bookstore/catalog:dev bookstore/catalog:no-handler bookstore/catalog:on-debian \
             bookstore/catalog:on-busybox capture/busybox:1.35 capture/greeter:1; do
    docker image rm "$ref" >/dev/null 2>&1
  done
  docker images -aq --no-trunc | sort -u | comm -13 "$BEFORE" - | while read -r id; do
    [ "$(docker image inspect -f '{{len .RepoTags}}' "$id" 2>/dev/null)" = 0 ] && docker image rm "$id" >/dev/null 2>&1
  done
  rm -rf "$WORK"
  rm -f "$OUT"/*.tmp
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wanted() { [ ${#ONLY[@]} -eq 0 ] && return 0; local n; for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

# --- transcript helpers -----------------------------------------------------------------
# cap NAME: start chapters/captured/NAME.txt.  run 'CMD': print "$ CMD" and run it in this
# shell (so variables carry over), stdout and stderr both recorded.  timed 'CMD': the same,
# followed by "(took N.NN s)" measured around the command.  quiet 'CMD': run, record nothing.
F=/dev/null
cap() { F="$OUT/$1.tmp"; : >"$F"; CUR=$1; echo "capturing $1" >&2; }
done_cap() { mv "$F" "$OUT/$CUR.txt"; F=/dev/null; }
run() { printf '$ %s\n' "$1" >>"$F"; eval "$1" >>"$F" 2>&1; }
timed() {
  printf '$ %s\n' "$1" >>"$F"
  local t0 t1; t0=$(date +%s.%N); eval "$1" >>"$F" 2>&1; t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "(took %.2f s)\n", b - a }' >>"$F"
}
quiet() { eval "$1" >/dev/null 2>&1; }
# Every container this script starts is labelled, without the label cluttering the transcript.
# Builds are not (the classic builder would add a LABEL step to the history shown): images are
# removed by tag, and their untagged intermediates as "new since this run started".
docker() { if [ "$1" = run ]; then shift; command docker run --label "$LABEL" "$@"; else command docker "$@"; fi; }
healthy() { # wait until the catalog answers on host port $1
  local i; for i in $(seq 1 100); do curl -fs "localhost:$1/healthz" >/dev/null && return 0; sleep 0.1; done; return 1; }

# --- inputs -------------------------------------------------------------------------------
SRC="$WORK/catalog"; mkdir -p "$SRC"
cp "$LAB/starter/main.go" "$LAB/starter/go.mod" "$LAB/starter/.dockerignore" "$LAB/solution/Dockerfile" "$SRC/"

# The same program without its signal handler: NotifyContext replaced by a plain context.
NOH="$WORK/no-handler"; cp -r "$SRC" "$NOH"
sed -i 's|ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)|ctx, stop := context.WithCancel(context.Background()); _, _ = signal.Ignored, syscall.SIGTERM|' "$NOH/main.go"
grep -q 'context.WithCancel' "$NOH/main.go" || { echo "could not remove the handler from main.go" >&2; exit 2; }

# A busybox image from scratch, from Debian's busybox-static package.
BB="$WORK/busybox"; mkdir -p "$BB/root/bin"
( cd "$WORK" && apt-get download busybox-static >/dev/null 2>&1 ) || { echo "apt-get download busybox-static failed" >&2; exit 2; }
dpkg-deb -x "$WORK"/busybox-static_*.deb "$BB/x"
cp "$BB/x/bin/busybox" "$BB/root/bin/"
for a in sh echo cat sleep ls ps readlink head tail tr wc; do ln -s busybox "$BB/root/bin/$a"; done
( cd "$BB/root" && tar -c --owner=0 --group=0 . ) | docker import -c 'ENV PATH=/bin' -c "LABEL $LABEL" - capture/busybox:1.35 >/dev/null

# Shell-wrapped variants: the chapter's exercise, on an image with a shell.
for v in on-debian:golang:1.26-alpine on-busybox:capture/busybox:1.35; do
  tag=${v%%:*}; base=${v#*:}
  sed "s|^FROM gcr.io/distroless/static:nonroot|FROM $base|; s|^ENTRYPOINT .*|ENTRYPOINT [\"sh\", \"-c\", \"/catalog; echo catalog exited\"]|" \
    "$SRC/Dockerfile" >"$SRC/Dockerfile.$tag"
done

# Build only what the wanted captures use (the classic builder: this engine's CLI has no buildx).
build() { # build TAG DIR [DOCKERFILE]
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  echo "building $1" >&2
  ( cd "$2" && docker build -q -f "${3:-Dockerfile}" -t "$1" . ) >/dev/null || { echo "build of $1 failed" >&2; exit 2; }
}
for n in image layers run expose cache-rebuild; do wanted $n && build bookstore/catalog:dev "$SRC"; done
if wanted stop-no-handler; then build bookstore/catalog:no-handler "$NOH"; fi
if wanted stop-sh || wanted shells; then build bookstore/catalog:on-debian "$SRC" Dockerfile.on-debian; fi
if wanted shells; then build bookstore/catalog:on-busybox "$SRC" Dockerfile.on-busybox; fi

# --- captures -----------------------------------------------------------------------------
if wanted image; then
  cap image
  run "docker image ls --format 'table {{.Repository}}:{{.Tag}}\t{{.Size}}' bookstore/catalog:dev"
  run "docker image ls --format 'table {{.Repository}}:{{.Tag}}\t{{.Size}}' golang:1.26-alpine"
  run "docker image inspect bookstore/catalog:dev --format 'Entrypoint={{.Config.Entrypoint}} Cmd={{.Config.Cmd}} User={{.Config.User}} Exposed={{.Config.ExposedPorts}}'"
  done_cap
fi

if wanted layers; then
  cap layers
  run "docker history --format '{{.Size}}\t{{.CreatedBy}}' bookstore/catalog:dev"
  run "docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' gcr.io/distroless/static:nonroot"
  run "docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' bookstore/catalog:dev"
  done_cap
fi

if wanted run; then
  cap run
  run "docker run -d --name catalog -p 8080:8080 -e PORT=8080 bookstore/catalog:dev"
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
  quiet "docker rm catalog"
  done_cap
fi

if wanted stop-no-handler; then
  cap stop-no-handler
  run "docker run -d --name catalog-nh -p 8081:8080 bookstore/catalog:no-handler"
  quiet "healthy 8081"
  timed "docker stop catalog-nh"
  run "docker inspect catalog-nh --format '{{.State.ExitCode}}'"
  run "docker logs catalog-nh"
  quiet "docker rm catalog-nh"
  done_cap
fi

if wanted stop-sh; then
  cap stop-sh
  run "docker run -d --name catalog-sh -p 8082:8080 bookstore/catalog:on-debian"
  quiet "healthy 8082"
  run "docker top catalog-sh -o pid,args"
  timed "docker stop catalog-sh"
  run "docker inspect catalog-sh --format '{{.State.ExitCode}}'"
  run "docker logs catalog-sh"
  quiet "docker rm catalog-sh"
  done_cap

  cap stop-sh-init
  run "docker run -d --init --name catalog-sh-init -p 8084:8080 bookstore/catalog:on-debian"
  quiet "healthy 8084"
  run "docker top catalog-sh-init -o pid,args"
  timed "docker stop catalog-sh-init"
  run "docker inspect catalog-sh-init --format '{{.State.ExitCode}}'"
  run "docker logs catalog-sh-init"
  quiet "docker rm catalog-sh-init"
  done_cap
fi

if wanted shells; then
  cap shells
  run "docker run --rm --entrypoint sh bookstore/catalog:on-debian -c 'echo starting; cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  run "docker run --rm --entrypoint sh capture/busybox:1.35 -c 'echo starting; cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  run "docker run --rm --entrypoint bash bookstore/catalog:on-debian -c 'echo starting; cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  run "docker run --rm --entrypoint sh bookstore/catalog:on-debian -c 'cat /proc/1/cmdline' | tr '\\0' ' '; echo"
  done_cap

  cap stop-busybox
  run "docker run -d --name catalog-bb -p 8083:8080 --entrypoint sh bookstore/catalog:on-busybox -c 'cd /; /catalog'"
  quiet "healthy 8083"
  run "docker top catalog-bb -o pid,args"
  timed "docker stop catalog-bb"
  run "docker inspect catalog-bb --format '{{.State.ExitCode}}'"
  run "docker logs catalog-bb"
  quiet "docker rm catalog-bb"
  done_cap
fi

if wanted zombie; then
  cap zombie
  for init in "" "--init "; do
    run "docker run -d --name reaper ${init}capture/busybox:1.35 sh -c '(sleep 1 &); exec sleep 600' >/dev/null"
    quiet "sleep 2.5"
    run "docker top reaper -o pid,args"
    run "ps -o pid,ppid,stat,comm --ppid \$(docker inspect -f '{{.State.Pid}}' reaper)"
    quiet "docker rm -f reaper"
  done
  done_cap
fi

if wanted cgroups; then
  cap cgroups
  run "docker run --rm --memory 256m --cpus 1 --pids-limit 128 golang:1.26-alpine grep -H . /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/pids/pids.max"
  run "docker run --rm golang:1.26-alpine grep -H . /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max"
  done_cap

  cap oom
  run "docker run --name hungry --memory 64m --memory-swap 64m golang:1.26-alpine sh -c 'head -c 300M /dev/zero | tail'; echo \"exit status \$?\""
  run "docker inspect hungry --format 'ExitCode={{.State.ExitCode}} OOMKilled={{.State.OOMKilled}}'"
  quiet "docker rm hungry"
  done_cap
fi

if wanted expose; then
  cap expose
  run "docker run -d --name catalog-quiet bookstore/catalog:dev >/dev/null; docker port catalog-quiet; echo \"(\$(docker port catalog-quiet | wc -l) published ports)\""
  run "docker run -d --name catalog-all -P bookstore/catalog:dev >/dev/null; docker port catalog-all"
  quiet "docker rm -f catalog-quiet catalog-all"
  done_cap
fi

if wanted writable-layer; then
  cap writable-layer
  run "docker run -d --name notes capture/busybox:1.35 sleep 600"
  run "docker exec notes sh -c 'echo kept > /note.txt'"
  run "docker diff notes"
  timed "docker stop -t 1 notes"
  run "docker start notes >/dev/null; docker exec notes cat /note.txt"
  run "docker rm -f notes; docker run -d --name notes capture/busybox:1.35 sleep 600 >/dev/null"
  run "docker exec notes cat /note.txt"
  quiet "docker rm -f notes"
  done_cap
fi

if wanted entrypoint-cmd; then
  GR="$WORK/greeter"; mkdir -p "$GR"
  printf 'FROM capture/busybox:1.35\nENTRYPOINT ["echo", "catalog says"]\nCMD ["hello"]\n' >"$GR/Dockerfile"
  ( cd "$GR" && docker build -q -t capture/greeter:1 . ) >/dev/null
  cap entrypoint-cmd
  run "docker image inspect capture/greeter:1 --format 'Entrypoint={{json .Config.Entrypoint}} Cmd={{json .Config.Cmd}}'"
  run "docker run --rm capture/greeter:1"
  run "docker run --rm capture/greeter:1 goodbye"
  run "docker run --rm --entrypoint ls capture/greeter:1 /bin/busybox"
  done_cap
fi

if wanted cache-rebuild; then
  cap cache-rebuild
  printf '\n// edited\n' >>"$SRC/main.go"
  ( cd "$SRC" && printf '$ %s\n' "echo '// edited' >> main.go && docker build -t bookstore/catalog:dev .  # step lines only" >>"$F" \
      && docker build -t bookstore/catalog:dev . 2>&1 | grep -E '^Step |Using cache|Running in' >>"$F" )
  done_cap
fi

rm -f "$OUT"/*.tmp
echo "captured into $OUT" >&2
