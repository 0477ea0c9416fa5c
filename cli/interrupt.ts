import { setMaxListeners } from 'node:events';
import type Docker from 'dockerode';
import { sweepRuns } from '../graders/engine/connect';

/**
 * Runs `cleanup` on Ctrl-C or SIGTERM, then exits 130 (the shell's code for
 * an interrupted command). A second Ctrl-C exits at once.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\ndrydock: ${signal} received, removing what this run created…\n`);
    cleanup()
      .catch((err) => process.stderr.write(`drydock: cleanup failed: ${(err as Error).message}\n`))
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * Ctrl-C for commands that grade: the work in flight is told to stop (its
 * builds end), allowed to unwind for a moment, and then every run it had
 * started is swept from each engine until the engines are quiet.
 */
export function interruptGrading(dockers: readonly Docker[], afterwards?: () => void) {
  const abort = new AbortController();
  // Every build and probe in flight listens for this one signal: a class on several engines has more than ten.
  setMaxListeners(0, abort.signal);
  const activeRuns = new Set<string>();
  let work: Promise<unknown> = Promise.resolve();
  const release = onInterrupt(async () => {
    const ids = [...activeRuns];
    abort.abort();
    await settled(work);
    // Side by side and bounded: an engine that no longer answers must not keep the others unswept.
    await settled(Promise.all(dockers.map((d) => sweepRuns(d, ids).catch(() => []))));
    afterwards?.();
  });
  return {
    signal: abort.signal,
    /** Run ids in flight: the grading adds and removes them. */
    activeRuns,
    /** The work an interrupt waits for. */
    track<T>(p: Promise<T>): Promise<T> {
      work = p;
      return p;
    },
    release,
  };
}

/** Waits for interrupted work to unwind, but never longer than a user waits after Ctrl-C. */
function settled(work: Promise<unknown>, limitMs = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work.then(() => {}, () => {}), new Promise<void>((r) => (timer = setTimeout(r, limitMs)))]).finally(() => clearTimeout(timer));
}
