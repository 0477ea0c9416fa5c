import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDockerfile, withoutSyntaxDirective } from '../graders/dockerfile/parse';

const CATALOG = join(resolve(import.meta.dirname, '..'), 'labs/catalog-image');

/**
 * A copy of the catalog solution with a fresh line in main.go, so whoever
 * builds it pays for one compile of new source and no run reuses another's.
 * Offline, BuildKit cannot fetch the frontend a `# syntax=` line names; it is
 * blanked for every tool alike (the grader does the same by itself).
 */
export function freshSubmission(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-bench-'));
  cpSync(join(CATALOG, 'starter'), dir, { recursive: true });
  const text = readFileSync(join(CATALOG, 'solution/Dockerfile'), 'utf8');
  writeFileSync(join(dir, 'Dockerfile'), withoutSyntaxDirective(parseDockerfile(text)));
  appendFileSync(join(dir, 'main.go'), `\n// bench ${tag} ${process.hrtime.bigint()}\n`);
  return dir;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs a command to completion and returns its wall time in ms. An exit code
 * outside `okExit` is an error: a benchmark of a failing command measures nothing.
 */
export function timedRun(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; okExit?: number[] } = {}): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!(opts.okExit ?? [0]).includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}\n${r.stdout}`);
  return ms;
}
