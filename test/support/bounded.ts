import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface Bounded<T> {
  /** What the module's function returned (JSON), when the child finished in time. */
  value?: T;
  /** Why it did not: killed at the time limit, out of memory, or an exception (its message). */
  failure?: string;
}

/**
 * Runs `fn` of a repository module (path relative to the root) in a child
 * Node with a small heap and a hard time limit, so a reader that hangs in
 * synchronous code or runs out of memory on hostile input fails the test
 * instead of stalling the run. The arguments and the result travel as JSON.
 */
export function runBounded<T>(module: string, fn: string, args: unknown[], opts: { timeoutMs?: number; heapMB?: number } = {}): Bounded<T> {
  const code = `
    const m = await import(${JSON.stringify(join(ROOT, module))});
    const args = JSON.parse(process.env.BOUNDED_ARGS);
    try {
      const v = await m[${JSON.stringify(fn)}](...args);
      process.stdout.write(JSON.stringify({ value: v ?? null }));
    } catch (e) {
      process.stdout.write(JSON.stringify({ failure: (e && e.constructor && e.constructor.name) + ': ' + (e && e.message) }));
    }`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', `--max-old-space-size=${opts.heapMB ?? 512}`, '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, BOUNDED_ARGS: JSON.stringify(args) },
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
    encoding: 'utf8',
  });
  if (res.error || res.signal) return { failure: `killed (${res.signal ?? res.error?.message}): no answer within ${opts.timeoutMs ?? 60_000} ms` };
  if (res.status !== 0) return { failure: `exit ${res.status}: ${res.stderr.split('\n').find((l) => /heap|Error/.test(l)) ?? res.stderr.slice(-300)}` };
  return JSON.parse(res.stdout) as Bounded<T>;
}
