import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { BuildTrace, type BuildStep } from './buildkit-trace';
import { describe, InfrastructureError } from '../engine/connect';

export interface BuildRequest {
  context: Readable;
  tag: string;
  labels: Record<string, string>;
  timeoutMs: number;
  /**
   * Called after every trace update; returning true ends the build early
   * (the cache probe stops as soon as its verdict is known).
   */
  stopWhen?: (steps: BuildStep[]) => boolean;
  /**
   * Ends the build when the grading is interrupted (Ctrl-C): the build stream
   * then ends at once, so the run's cleanup comes after the engine was told.
   */
  signal?: AbortSignal;
}

export interface BuildOutcome {
  status: 'built' | 'failed' | 'timed-out' | 'stopped';
  imageId?: string;
  steps: BuildStep[];
  /** The engine's closing error message for a failed build. */
  error?: string;
  durationMs: number;
}

/**
 * Runs one BuildKit build through the engine API and folds its progress
 * stream into steps. A build error is the student's (status `failed`); a
 * broken connection or daemon error is an InfrastructureError.
 */
export async function runBuild(docker: Docker, req: BuildRequest): Promise<BuildOutcome> {
  const started = Date.now();
  const abort = new AbortController();
  let why: 'timed-out' | 'stopped' | undefined;
  const timer = setTimeout(() => {
    why = 'timed-out';
    abort.abort();
  }, req.timeoutMs);
  const interrupted = () => {
    why ??= 'stopped';
    abort.abort();
  };
  if (req.signal?.aborted) interrupted();
  req.signal?.addEventListener('abort', interrupted, { once: true });
  const trace = new BuildTrace();
  let imageId: string | undefined;
  let error: string | undefined;
  const done = (status: BuildOutcome['status']): BuildOutcome => ({ status, imageId, steps: trace.list(), error, durationMs: Date.now() - started });
  // The HTTP client pipes the context and ignores its errors: the engine would
  // wait for the rest until the time limit, and the student would be told the
  // build timed out. A context that cannot be read is the grader's problem.
  let contextError: unknown;
  req.context.once('error', (err) => {
    contextError = err;
    abort.abort();
  });
  const contextFailed = () => new InfrastructureError(`the build context could not be sent: ${describe(contextError)}`, contextError);

  let stream: Readable;
  try {
    stream = (await docker.buildImage(req.context as unknown as string, {
      t: req.tag,
      version: '2',
      labels: req.labels,
      // The lab's service has no external modules: the build needs no network,
      // and a student's RUN cannot reach anything.
      networkmode: 'none',
      forcerm: true,
      abortSignal: abort.signal,
    } as Docker.ImageBuildOptions)) as unknown as Readable;
  } catch (err) {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', interrupted);
    if (contextError) throw contextFailed();
    if (why) return done(why);
    throw new InfrastructureError(`the engine refused the build: ${describe(err)}`, err);
  }

  // The lines are split here, not by docker-modem's followProgress (which the
  // image pulls use): followProgress JSON.parses inside a 'data' listener, so
  // one malformed line from a misbehaving engine is an uncaught exception
  // instead of an InfrastructureError; a stream that closes early without an
  // error reaches its callback as a clean finish, which would turn a broken
  // connection into the student's failed build; and it keeps every event of
  // the build in memory. Here the for-await loop raises both as infrastructure
  // errors, and the stop and timeout aborts are told apart from a break.
  try {
    let pending = '';
    for await (const chunk of stream) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const msg = JSON.parse(line) as { id?: string; aux?: unknown; error?: string; errorDetail?: { message?: string } };
        if (msg.id === 'moby.buildkit.trace' && typeof msg.aux === 'string') {
          trace.addEncoded(msg.aux);
        } else if (msg.id === 'moby.image.id' && msg.aux && typeof msg.aux === 'object') {
          imageId = (msg.aux as { ID?: string }).ID;
        } else if (msg.error || msg.errorDetail) {
          error = msg.errorDetail?.message ?? msg.error;
        }
      }
      if (req.stopWhen?.(trace.list())) {
        why = 'stopped';
        abort.abort();
        break;
      }
    }
  } catch (err) {
    if (contextError) throw contextFailed();
    if (!why) {
      clearTimeout(timer);
      throw new InfrastructureError(`the build stream broke off: ${describe(err)}`, err);
    }
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', interrupted);
    stream.destroy();
  }
  if (contextError) throw contextFailed();
  if (why) return done(why);
  return done(error || !imageId ? 'failed' : 'built');
}
