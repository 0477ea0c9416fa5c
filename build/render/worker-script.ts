import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A worker thread's entry `name`: bundled beside this module in dist/, or the
 * TypeScript source run through tsx (the tests, `npm run drydock`).
 */
export function workerScript(name: string): { file: string; argv: string[] } | undefined {
  const js = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (existsSync(js)) return { file: js, argv: [] };
  const ts = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (existsSync(ts)) return { file: fileURLToPath(new URL('./ts-worker.mjs', import.meta.url)), argv: [ts] };
  return undefined;
}
