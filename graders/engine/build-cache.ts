import type Docker from 'dockerode';
import { describe } from './connect';

/** A build cache record as `GET /system/df` lists it. */
export interface CacheRecord {
  ID: string;
  Type: string;
  Description?: string;
  InUse?: boolean;
  CreatedAt?: string;
}

/**
 * Removes the cache mount directories a grading's builds made (its mounts
 * carry ids of its own, see dockerfile/cache-mounts.ts): nobody else can use
 * them, and a class would otherwise leave one Go build cache per student.
 *
 * BuildKit 0.11 and newer name the id in the record's description; older
 * ones (Docker 20.10) do not, and there a record is taken as the grading's
 * when it was made after the grading began for one of its mount targets.
 * Such a record may belong to a neighbour graded at the same time; its id is
 * the neighbour's own, so removing it costs that neighbour speed, never a
 * verdict (a cache mount's contents are not part of any step's cache key).
 */
export async function removeCacheMounts(docker: Docker, isolatedIds: readonly string[], targets: readonly string[], since: number): Promise<string[]> {
  if (!isolatedIds.length) return [];
  const ours = (r: CacheRecord) => {
    if (r.Type !== 'exec.cachemount') return false;
    const d = r.Description ?? '';
    const named = /with id "([^"]*)"$/.exec(d);
    if (named) return isolatedIds.some((id) => named[1] === id || named[1] === `/${id}`);
    return Date.parse(r.CreatedAt ?? '') >= since - 1000 && targets.some((t) => d.startsWith(`cached mount ${t} from `));
  };
  const problems: string[] = [];
  // A build stopped early (the cache probe) may hold its mount a moment longer: look again briefly.
  for (let attempt = 0; attempt < 10; attempt++) {
    let records: CacheRecord[];
    try {
      records = (await buildCacheRecords(docker)).filter(ours);
    } catch (err) {
      return [`the build cache could not be listed: ${describe(err)}`];
    }
    for (const r of records.filter((x) => !x.InUse)) {
      await dial(docker, 'POST', '/build/prune?', { filters: JSON.stringify({ id: { [r.ID]: true } }) }).catch((err: unknown) => problems.push(`cache mount ${r.ID}: ${describe(err)}`));
    }
    if (!records.some((x) => x.InUse)) return problems;
    await new Promise((r) => setTimeout(r, 500));
  }
  return [...problems, 'a cache mount was still in use after 5 s'];
}

/** The engine's build cache records (`GET /system/df`). */
export async function buildCacheRecords(docker: Docker): Promise<CacheRecord[]> {
  // `type` lists the build cache alone on API 1.42+; older engines ignore it and list everything.
  const df = (await dial(docker, 'GET', '/system/df?', { type: 'build-cache' })) as { BuildCache?: CacheRecord[] };
  return df.BuildCache ?? [];
}

/**
 * dockerode's df() and pruneBuilder() send no query: the latter, given
 * filters, would clear the whole build cache. The engine's API is called as
 * documented instead.
 */
function dial(docker: Docker, method: 'GET' | 'POST', path: string, options: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) =>
    docker.modem.dial({ path, method, options, statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' } }, (err: unknown, data: unknown) => (err ? reject(err) : resolve(data))),
  );
}
