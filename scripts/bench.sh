#!/usr/bin/env bash
# Runs every benchmark (npm run bench). Needs the engine and base images, like the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine-up.sh
# The benchmarks run the CLI as users do, from dist/: bundled from the current sources first.
node scripts/bundle.mjs
for lab in labs/*/; do node bin/drydock.mjs images "$lab" >/dev/null; done
npx tsx bench/grader.ts 3
npx tsx bench/batch.ts 6
npx tsx bench/class.ts 12
npx tsx bench/book.ts 200
npx tsx bench/autolinks.ts 200
npx tsx bench/shards.ts
npx tsx bench/repeatability.ts 10
# The catalog solution on each tested engine: Docker 28 with the containerd store beside 20.10.
DRYDOCK_ENGINE28_HOST=$(bash scripts/engine28-up.sh)
export DRYDOCK_ENGINE28_HOST
for lab in labs/*/; do DOCKER_HOST=$DRYDOCK_ENGINE28_HOST node bin/drydock.mjs images "$lab" >/dev/null; done
npx tsx bench/engines.ts 1
# The deadline-sized run (60 students, four gradings, about an hour on 2 cores) is run on its own:
#   npx tsx bench/deadline.ts 60
