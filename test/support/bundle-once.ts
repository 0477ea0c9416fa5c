// Vitest global setup: tests spawn bin/drydock.mjs, which runs dist/ and never
// rebuilds it, so the bundle is made from the current sources once per test run.
// @ts-expect-error: a plain .mjs script without type declarations
import { bundle } from '../../scripts/bundle.mjs';

export default async function setup(): Promise<void> {
  await bundle();
}
