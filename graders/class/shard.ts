import { createHash } from 'node:crypto';
import type { ShardSpec } from '../model/shard';

export type { ShardSpec } from '../model/shard';

/*
 * Splitting a class across N copies of one grading command (a CI matrix, a
 * GitLab `parallel:` job, a Kubernetes Indexed Job, a Slurm or AWS Batch array).
 *
 * The partition: a student belongs to shard `1 + (first 6 bytes of
 * sha256(student id), as an integer) mod N`. It depends on the student id
 * and N alone, never on who else is in the class, so the same student lands
 * in the same shard on every machine and every re-run, and a late submission
 * moves nobody else (each shard's resume state stays valid). Balance is
 * statistical: SHA-256 spreads ids uniformly, so a class of S students gives
 * each shard S/N ± about sqrt(S/N) (400 students in 4 shards: 100 ± 10).
 * A sorted deal would balance to ±1 but would move students between shards
 * when the class changes, which breaks per-shard resume; stability wins.
 */

export class ShardError extends Error {}

export function shardOf(studentId: string, count: number): number {
  const h = createHash('sha256').update(studentId, 'utf8').digest();
  return 1 + (h.readUIntBE(0, 6) % count);
}

export function inShard(studentId: string, spec: ShardSpec | undefined): boolean {
  return !spec || shardOf(studentId, spec.count) === spec.index;
}

const whole = (v: string | undefined, what: string, min: number): number => {
  if (v === undefined || !/^\d+$/.test(v.trim())) throw new ShardError(`${what} must be a whole number, got "${v ?? ''}"`);
  const n = Number(v);
  if (n < min) throw new ShardError(`${what} must be at least ${min}, got ${n}`);
  return n;
};

/** `--shard I/N`, 1-based: `--shard 1/3` … `--shard 3/3`. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ShardError(`--shard takes I/N, e.g. --shard 2/3 (shards count from 1), got "${text}"`);
  return check({ index: Number(m[1]), count: Number(m[2]), source: '--shard' });
}

function check(s: ShardSpec): ShardSpec {
  if (s.count < 1) throw new ShardError(`the shard count must be at least 1 (${s.source})`);
  if (s.index < 1 || s.index > s.count) throw new ShardError(`shard ${s.index} of ${s.count} does not exist: shards count 1 to ${s.count} (${s.source})`);
  return s;
}

/**
 * The shard from the environment of a job scheduler, when `--shard` is not
 * given. `count` is `--shards N`, needed where the scheduler does not say
 * how many copies run (Kubernetes, AWS Batch); where it does, the two must agree.
 * Returns undefined when no scheduler variable is set and no count was given.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv, count?: number): ShardSpec | undefined {
  const given = (total: number | undefined, source: string) => {
    if (total !== undefined && count !== undefined && total !== count) throw new ShardError(`${source} says ${total} shards but --shards says ${count}`);
    const n = total ?? count;
    if (n === undefined) throw new ShardError(`${source} is set but not how many shards there are: give --shards N`);
    return n;
  };
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    // Kubernetes Indexed Job: 0-based; the count is the Job's completions, which the pod does not see.
    const i = whole(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX', 0);
    return check({ index: i + 1, count: given(undefined, 'JOB_COMPLETION_INDEX'), source: 'JOB_COMPLETION_INDEX (Kubernetes Indexed Job)' });
  }
  if (env.CI_NODE_INDEX !== undefined) {
    // GitLab `parallel:`: 1-based, with the total.
    const total = env.CI_NODE_TOTAL !== undefined ? whole(env.CI_NODE_TOTAL, 'CI_NODE_TOTAL', 1) : undefined;
    return check({ index: whole(env.CI_NODE_INDEX, 'CI_NODE_INDEX', 1), count: given(total, 'CI_NODE_INDEX'), source: 'CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel)' });
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    // Slurm array: ids run from SLURM_ARRAY_TASK_MIN (often 0 or 1) in steps of SLURM_ARRAY_TASK_STEP.
    const id = whole(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID', 0);
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined ? whole(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', 0) : 0;
    const step = env.SLURM_ARRAY_TASK_STEP !== undefined ? whole(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP', 1) : 1;
    const total = env.SLURM_ARRAY_TASK_COUNT !== undefined ? whole(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT', 1) : undefined;
    if ((id - min) % step) throw new ShardError(`SLURM_ARRAY_TASK_ID ${id} is not on the array's step ${step} from ${min}`);
    return check({ index: (id - min) / step + 1, count: given(total, 'SLURM_ARRAY_TASK_ID'), source: 'SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (Slurm job array)' });
  }
  if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined) {
    const i = whole(env.AWS_BATCH_JOB_ARRAY_INDEX, 'AWS_BATCH_JOB_ARRAY_INDEX', 0);
    return check({ index: i + 1, count: given(undefined, 'AWS_BATCH_JOB_ARRAY_INDEX'), source: 'AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job)' });
  }
  if (count !== undefined) throw new ShardError(`--shards ${count} needs a shard index: give --shard I/${count}, or run where JOB_COMPLETION_INDEX, CI_NODE_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX is set`);
  return undefined;
}

/** `--shard` wins over the environment; `--shards` alone reads the index from it. */
export function resolveShard(flag: string | undefined, shards: string | undefined, env: NodeJS.ProcessEnv = process.env): ShardSpec | undefined {
  const count = shards === undefined ? undefined : whole(shards, '--shards', 1);
  if (flag !== undefined) {
    const s = parseShard(flag);
    if (count !== undefined && count !== s.count) throw new ShardError(`--shard ${flag} and --shards ${count} disagree`);
    return s;
  }
  return shardFromEnv(env, count);
}

export const shardName = (s: ShardSpec) => `${s.index}/${s.count}`;
