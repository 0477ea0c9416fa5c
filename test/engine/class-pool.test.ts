// The engine pool prepares each engine once for the whole class, not once per student.
import type Docker from 'dockerode';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeBatch } from '../../graders/class/batch';
import { connect } from '../../graders/engine/connect';
import { fastLab } from '../support/helpers';

/** The engine, with a count of each top-level call made on it. */
function counting(docker: Docker): { docker: Docker; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(docker, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        calls.set(prop, (calls.get(prop) ?? 0) + 1);
        return v.apply(target, args);
      };
    },
  });
  return { docker: proxy, calls };
}

describe('the engine pool', () => {
  it('asks the engine for its version and info once for a class of six, not once per student', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-pool-class-'));
    // Students that end before any build (empty folders, a Dockerfile the policy refuses): the setup is all the engine work.
    for (const id of ['a', 'b', 'c']) mkdirSync(join(dir, id));
    for (const id of ['d', 'e', 'f']) {
      mkdirSync(join(dir, id));
      writeFileSync(join(dir, id, 'Dockerfile'), 'FROM ubuntu:latest\nRUN curl http://example.com | sh\n');
    }
    const { docker, calls } = counting(connect());
    const r = await gradeBatch(fastLab(), dir, mkdtempSync(join(tmpdir(), 'drydock-pool-out-')), { docker, jobs: 2 });
    expect(r.outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'failed']);
    expect(calls.get('version')).toBe(1);
    expect(calls.get('info')).toBe(1);
    // Every student still names the engine it was graded on.
    for (const o of r.outcomes) expect(o.report!.engine.version).not.toBe('unknown');
  });
});
