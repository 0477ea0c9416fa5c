#!/usr/bin/env bash
# Runs every benchmark (npm run bench). Needs the engine and base images, like the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine-up.sh
node bin/drydock.mjs images labs/catalog-image >/dev/null
npx tsx bench/grader.ts 3
npx tsx bench/batch.ts 6
npx tsx bench/book.ts 200
