import { createHash } from 'node:crypto';
import { InfrastructureError } from '../engine/connect';
import type { ParsedDockerfile } from './model';

/**
 * The engines graded on (Docker 20.10's BuildKit frontend) do not know
 * `ADD --checksum`, so the grader checks each file the lab allows, and the
 * Dockerfile uses, before the engine fetches it. A mismatch means the file
 * changed upstream: the lab's problem, never the student's.
 */
export async function verifyRemoteSources(sources: { url: string; sha256: string }[], df: ParsedDockerfile, timeoutMs = 20_000): Promise<void> {
  const used = new Set(df.stages.flatMap((s) => s.instructions.flatMap((i) => (i.keyword === 'ADD' ? (i.sources ?? []) : []))));
  for (const { url, sha256 } of sources) {
    if (!used.has(url)) continue;
    let body: Buffer;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      throw new InfrastructureError(`the lab allows ${url}, but it could not be fetched to check its checksum (${(err as Error).message})`, err);
    }
    const got = createHash('sha256').update(body).digest('hex');
    if (got !== sha256) throw new InfrastructureError(`the lab allows ${url} with sha256 ${sha256}, but its content now has sha256 ${got}; update the lab`);
  }
}
