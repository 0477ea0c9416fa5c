import { spawnSync } from 'node:child_process';

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
