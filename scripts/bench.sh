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
npx tsx bench/book.ts 200
npx tsx bench/autolinks.ts 200
npx tsx bench/shards.ts
npx tsx bench/repeatability.ts 10
