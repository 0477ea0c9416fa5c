import { removeRun } from '../engine/connect';
import { prepareEngine, type EngineSetup } from '../engine/setup';
import { answers, type EngineSlot } from '../engine/specs';
import type { Lab } from '../lab/load';
import type { EngineThroughput } from '../report/summary';
import type { ResultsFolder } from './results';

/** One engine of the pool and what the batch knows of it. */
export interface PooledEngine {
  slot: EngineSlot;
  /** Prepared once for the lab (engine info, base images, the build cap on its host); absent while it cannot be. */
  setup?: EngineSetup;
  up: boolean;
  workers: number;
  /** Run ids being graded on it now. */
  inFlight: Set<string>;
  /** Run ids it was grading when it stopped answering: removed when it answers again. */
  orphans: Set<string>;
  graded: number;
  requeued: number;
  busyMs: number;
  /** Settles when the engine is declared lost, so students waiting on a hung engine move at once. */
  lost: Promise<void>;
  loseNow: () => void;
  /** Heartbeat pings in a row it did not answer while grading. */
  misses: number;
  lastPing: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (e: PooledEngine) => e.slot.url || e.slot.name;

function arm(e: PooledEngine): void {
  e.lost = new Promise<void>((r) => (e.loseNow = r));
}

export interface PoolEvents {
  /** An engine stopped answering (its students go back to the queue) or came back. */
  onEngine?: (name: string, event: 'down' | 'back', detail: string) => void;
  /** Something changed that waiting workers should look at again. */
  changed: () => void;
  /** An engine answers again: it may take students. */
  back: (e: PooledEngine) => void;
}

/**
 * The engines of one class run. Each is prepared ONCE for the lab before any
 * student starts (graders/engine/setup.ts: its version, the base images, and
 * BuildKit's cap on that engine's own host, or a note that its builds run
 * uncapped), and its setup is handed to every grading on it. With several
 * engines, a heartbeat declares a silent engine lost, and an engine that
 * answers again has its leftovers removed before it takes students.
 */
export class EnginePool {
  readonly engines: PooledEngine[];
  readonly multi: boolean;
  private monitoring = false;
  private monitorDone: Promise<void> = Promise.resolve();
  private wakeMonitor: () => void = () => {};

  constructor(
    slots: EngineSlot[],
    private readonly lab: Lab,
    private readonly results: ResultsFolder,
    private readonly events: PoolEvents,
  ) {
    if (!slots.length) throw new Error('gradeBatch needs an engine (docker or engines)');
    this.multi = slots.length > 1;
    this.engines = slots.map((slot) => {
      const e = { slot, up: true, workers: 0, inFlight: new Set(), orphans: new Set(), graded: 0, requeued: 0, busyMs: 0, misses: 0, lastPing: 0 } as unknown as PooledEngine;
      arm(e);
      return e;
    });
  }

  /** Removes what an earlier run left on engines that answer now, then prepares every engine once. */
  async prepare(): Promise<void> {
    const leftOver = this.results.readOrphans();
    for (const e of this.engines) {
      const ids = leftOver[key(e)];
      if (ids?.length && (await answers(e.slot.docker))) {
        for (const id of ids) await removeRun(e.slot.docker, id);
        delete leftOver[key(e)];
      }
    }
    this.leftOver = leftOver;
    // One after another, so stand-in base images are never built twice at once on one machine.
    for (const e of this.engines) {
      const why = await this.setUp(e);
      if (why && this.multi) {
        e.up = false;
        this.events.onEngine?.(e.slot.name, 'down', `engine setup: ${why}`);
      }
    }
    // With no engine left, the first goes on: its students end as infrastructure errors, never lost.
    if (this.engines.every((e) => !e.up)) this.engines[0].up = true;
  }

  private leftOver: Record<string, string[]> = {};

  /** Prepares the engine if it is not yet; returns why it could not be. */
  async setUp(e: PooledEngine): Promise<string | undefined> {
    if (e.setup) return undefined;
    try {
      e.setup = await prepareEngine(e.slot.docker, this.lab, () => {}, e.slot.url || undefined);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  othersUp(e: PooledEngine): boolean {
    return this.engines.some((x) => x !== e && x.up);
  }

  markDown(e: PooledEngine, why: string): void {
    if (!e.up) return;
    e.up = false;
    e.loseNow();
    this.events.onEngine?.(e.slot.name, 'down', why);
    this.events.changed();
  }

  /** An engine that answers now, the first in the order given, for grading a student alone. */
  async healthy(): Promise<PooledEngine> {
    for (const e of this.engines) if (e.up && (await answers(e.slot.docker))) return e;
    return this.engines.find((e) => e.up) ?? this.engines[0];
  }

  /** Several engines: heartbeat for the busy ones, and a look every few seconds at the lost ones. */
  startMonitor(moreWork: () => boolean): void {
    if (!this.multi) return;
    this.monitoring = true;
    this.monitorDone = (async () => {
      while (this.monitoring) {
        await Promise.race([sleep(2000), new Promise<void>((r) => (this.wakeMonitor = r))]);
        for (const e of this.engines) {
          if (e.up) {
            // Heartbeat of an engine that is grading: two pings in a row unanswered (5 s each) and it is lost.
            if (!e.inFlight.size || Date.now() - e.lastPing < 3000) continue;
            e.lastPing = Date.now();
            if (await answers(e.slot.docker)) e.misses = 0;
            else if (++e.misses >= 2) this.markDown(e, 'stopped answering (two heartbeat pings unanswered)');
            continue;
          }
          if (!this.monitoring || !(await answers(e.slot.docker))) continue;
          await this.cleanReturned(e);
          arm(e);
          e.up = true;
          await this.setUp(e);
          this.events.onEngine?.(e.slot.name, 'back', 'answers again; its leftovers were removed');
          if (moreWork()) this.events.back(e);
        }
      }
    })();
  }

  /** An engine that answers again: what the class's runs left there when it was lost goes first. */
  private async cleanReturned(e: PooledEngine): Promise<void> {
    for (const id of e.orphans) await removeRun(e.slot.docker, id);
    e.orphans.clear();
    e.misses = 0;
  }

  async stopMonitor(): Promise<void> {
    this.monitoring = false;
    this.wakeMonitor();
    await this.monitorDone;
    // A class can end between two looks at a lost engine: one last look, so an engine that came
    // back meanwhile has its leftovers removed now rather than recorded for later.
    for (const e of this.engines) {
      if (e.up || !e.orphans.size || !(await answers(e.slot.docker))) continue;
      await this.cleanReturned(e);
      this.events.onEngine?.(e.slot.name, 'back', 'answers again at the end of the class; its leftovers were removed');
    }
  }

  /** Removes what runs still in flight created (after Ctrl-C) and records what lost engines still hold. */
  async close(activeRuns: Iterable<string>): Promise<void> {
    for (const id of activeRuns) for (const e of this.engines) if (e.up) await removeRun(e.slot.docker, id);
    const orphans = { ...this.leftOver };
    for (const e of this.engines) if (e.orphans.size) orphans[key(e)] = [...(orphans[key(e)] ?? []), ...e.orphans];
    this.results.writeOrphans(orphans);
  }

  /** Each engine's share, for the summary (several engines), and each one's setup notes. */
  throughput(wallMs: number): EngineThroughput[] {
    return this.engines.map((e) => ({ name: e.slot.name, jobs: e.slot.jobs, graded: e.graded, requeued: e.requeued, busyMs: e.busyMs, wallMs, up: e.up, notes: e.setup?.notes ?? [] }));
  }
}
