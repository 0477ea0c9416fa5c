// The class room's pure parts: roster, gradebook CSV, results folder, build cap placement.
import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRoster } from '../../graders/class/roster';
import { ResultsError, ResultsFolder, type ShardManifest } from '../../graders/class/results';
import { applyBuildLimits, engineOnThisMachine } from '../../graders/engine/build-limits';
import { renderGradebook } from '../../graders/report/gradebook';
import { studentsPerHour } from '../../graders/report/model';
import { renderSummaryHtml } from '../../graders/report/summary';
import { fastLab } from '../support/helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'drydock-class-room-'));

describe('the roster', () => {
  it('reads what spreadsheets write: quoted commas and newlines, doubled quotes, BOM and CRLF', () => {
    const file = join(tmp(), 'roster.csv');
    writeFileSync(file, '\ufeffStudent ID,Name,Email\r\n"s1","Doe, Jane",jane@x.edu\r\ns2,"Line\nBreak ""Nick""",b@x.edu\r\n\r\n');
    expect(readRoster(file)).toEqual([
      { id: 's1', name: 'Doe, Jane', email: 'jane@x.edu', columns: { 'student id': 's1', name: 'Doe, Jane', email: 'jane@x.edu' } },
      { id: 's2', name: 'Line\nBreak "Nick"', email: 'b@x.edu', columns: { 'student id': 's2', name: 'Line\nBreak "Nick"', email: 'b@x.edu' } },
    ]);
  });

  it('says which file is wrong and why: no id column, an unclosed quote', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'name,email\nJane,j@x\n');
    expect(() => readRoster(join(dir, 'a.csv'))).toThrow(/a\.csv: the header needs an "id" column \(found: name, email\)/);
    writeFileSync(join(dir, 'b.csv'), 'id,name\ns1,"Jane\n');
    expect(() => readRoster(join(dir, 'b.csv'))).toThrow(/b\.csv: not a readable CSV roster .*Quote Not Closed/);
  });
});

describe('the gradebook CSV', () => {
  const lab = fastLab();
  const row = (name: string) => ({ student: { id: 's1', name, email: 'e@x' }, status: 'missing' as const });

  it('defuses every leading character a spreadsheet runs as a formula, tab and CR included', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      const csv = renderGradebook(lab, [row(`${lead}HYPERLINK("http://x")`)]);
      const [, fields] = parse(csv) as string[][];
      expect(fields[1], JSON.stringify(lead)).toBe(`'${lead}HYPERLINK("http://x")`);
    }
  });

  it('reads back as written: quoted commas, quotes and newlines survive a CSV reader', () => {
    const csv = renderGradebook(lab, [row('Doe, "J"\nJr')]);
    expect(csv.split('\n')[0]).toMatch(/^student_id,name,email,build,.*,total,max,status$/);
    expect((parse(csv) as string[][])[1].slice(0, 3)).toEqual(['s1', 'Doe, "J"\nJr', 'e@x']);
    expect(csv.endsWith('missing\n')).toBe(true);
  });
});

describe('the results folder', () => {
  const manifest = (): ShardManifest => ({
    format: 1,
    drydock: '0.1.0',
    shard: { index: 1, count: 2, source: '--shard' },
    lab: { id: 'catalog-image', title: 'Catalog', hash: 'a'.repeat(64), definition: 'id: x\n' },
    students: [{ id: 's1', status: 'graded', order: 0 }],
    interrupted: false,
    startedAt: new Date(0).toISOString(),
    durationMs: 1000,
    engines: [],
  });

  it('writes and reads back the shard manifest', () => {
    const f = ResultsFolder.open(tmp());
    f.writeManifest(manifest());
    expect(f.readManifest()).toEqual(manifest());
  });

  it('refuses a manifest that is missing, unreadable or not of this shape, saying where', () => {
    const f = ResultsFolder.open(tmp());
    expect(() => f.readManifest()).toThrow(/not a Drydock batch result \(no shard\.json\)/);
    writeFileSync(join(f.dir, 'shard.json'), '{');
    expect(() => f.readManifest()).toThrow(/cannot be read/);
    writeFileSync(join(f.dir, 'shard.json'), JSON.stringify({ ...manifest(), students: [{ id: 's1', status: 'passed', order: 0 }] }));
    expect(() => f.readManifest()).toThrow(ResultsError);
    expect(() => f.readManifest()).toThrow(/students\.0\.status/);
  });

  it('writes the class outputs from one list of rows, and the summary says who was graded again alone', () => {
    const f = ResultsFolder.open(tmp());
    f.writeClassOutputs(fastLab(), [{ student: { id: 's1' }, status: 'missing', retried: 'the first attempt ended in an infrastructure error (lost cache)' }], 1000, { engineNotes: ['builds ran uncapped'] });
    expect(readFileSync(join(f.dir, 'gradebook.csv'), 'utf8')).toMatch(/^s1,/m);
    expect(readFileSync(join(f.dir, 'junit.xml'), 'utf8')).toContain('<testsuites>');
    const summary = readFileSync(join(f.dir, 'summary.html'), 'utf8');
    expect(summary).toContain('1 student(s) hit an infrastructure error or a time limit');
    expect(summary).toContain('builds ran uncapped');
  });
});

describe('the build cap', () => {
  it('is written only for an engine on this machine; a remote engine gets a note that its builds ran uncapped', () => {
    expect(engineOnThisMachine('unix:///var/run/docker.sock')).toBe(true);
    expect(engineOnThisMachine('')).toBe(true);
    expect(engineOnThisMachine('tcp://127.0.0.1:2375')).toBe(false);
    expect(engineOnThisMachine('ssh://grader@host')).toBe(false);
    expect(applyBuildLimits({ pids: 1, memoryBytes: 1 }, 'ssh://grader@host')).toMatch(/ssh:\/\/grader@host is not on this machine.*without a process or memory cap|without a process or memory cap.*ssh:\/\/grader@host is not on this machine/);
  });
});

describe('students per hour', () => {
  it('is one formula', () => {
    expect(studentsPerHour(12, 167_000)).toBe(259);
    expect(studentsPerHour(5, 0)).toBe(0);
    expect(renderSummaryHtml(fastLab(), [], 1000, { engines: [{ name: 'a', jobs: 2, graded: 10, requeued: 0, busyMs: 0, wallMs: 3_600_000, up: true }] })).toContain('<td>10</td><td>10</td>');
  });
});

describe('the retry after the class', async () => {
  const { CHECKS } = await import('../../graders/checks');
  const { judgeCheck } = await import('../../graders/grade/judge');
  const { outcomeOf } = await import('../../graders/report/model');
  const { parseDockerfile } = await import('../../graders/dockerfile/parse');
  const { retryReason, timeLimitHit, afterRetry } = await import('../../graders/class/retry');
  const lab = fastLab();
  const check = (id: string) => CHECKS.find((c) => c.id === id)!;
  const obs = (extra: object) => ({ lab, notes: [], baseLayers: new Map(), infraErrors: {}, dockerfile: parseDockerfile('FROM scratch\nRUN sleep 1000\n'), ...extra }) as never;
  const report = (list: { id: string; status: 'pass' | 'fail' | 'error' | 'skipped'; summary: string; evidence?: string[] }[]) => {
    const checks = list.map((c) => ({ title: c.id, maxScore: 10, score: 0, evidence: [], ...c }));
    return { lab: lab.id, submission: 's', score: 0, maxScore: 100, durationMs: 1, engine: { version: '', apiVersion: '', standIns: [] }, phases: [], notes: [], runId: 'r', checks, outcome: outcomeOf(checks as never) } as never;
  };

  it("recognises the checks' own words for a time limit (build and readiness), and nothing else", () => {
    const build = judgeCheck(check('build'), obs({ build: { status: 'timed-out', steps: [], durationMs: 300_000 } }));
    const ready = judgeCheck(check('graceful-stop'), obs({ run: { ready: false, processes: [], logTail: [] } }));
    const failed = judgeCheck(check('build'), obs({ build: { status: 'failed', steps: [], durationMs: 1, error: 'exit code 1' } }));
    expect(timeLimitHit(report([{ id: 'build', ...build }]))?.check).toBe('build');
    expect(timeLimitHit(report([{ id: 'graceful-stop', ...ready }]))?.check).toBe('graceful-stop');
    expect(timeLimitHit(report([{ id: 'build', ...failed }]))).toBeUndefined();
  });

  it('sets aside an infrastructure error always, and a time limit only when others were grading beside it', () => {
    const infra = report([{ id: 'cache-hit', status: 'error', summary: 'infrastructure error: the engine re-ran line 4' }]);
    expect(retryReason(infra, 0)).toBe('an infrastructure error (cache-hit: the engine re-ran line 4)');
    const slow = report([{ id: 'build', status: 'fail', summary: 'the build did not finish within the 300 s limit' }]);
    expect(retryReason(slow, 1)).toMatch(/build: .*300 s limit, while 1 other student was grading/);
    expect(retryReason(slow, 0)).toBeUndefined();
    expect(retryReason(report([{ id: 'build', status: 'pass', summary: 'built' }]), 3)).toBeUndefined();
  });

  it('keeps both attempts in the evidence when the second fails too, and says why the student was graded twice', () => {
    const first = report([{ id: 'cache-hit', status: 'error', summary: 'infrastructure error: lost cache', evidence: ['line 4 re-ran'] }, { id: 'build', status: 'pass', summary: 'built' }]);
    const second = report([{ id: 'cache-hit', status: 'error', summary: 'infrastructure error: lost again' }, { id: 'build', status: 'pass', summary: 'built' }]);
    const r = afterRetry(first, second, 'an infrastructure error (cache-hit: lost cache)') as unknown as { checks: { id: string; evidence: string[] }[]; notes: string[] };
    expect(r.checks[0].evidence).toEqual(['graded alone after the class: infrastructure error: lost again', 'first attempt, beside other students: infrastructure error: lost cache', '  line 4 re-ran']);
    expect(r.checks[1].evidence).toEqual([]);
    expect(r.notes.at(-1)).toMatch(/first attempt ended with an infrastructure error \(cache-hit: lost cache\); it failed again alone/);
  });
});
