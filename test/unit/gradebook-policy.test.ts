// What a class applies after grading, as pure functions: lateness with grace,
// extensions and caps; overrides; the LMS files read back by each system's
// documented columns; similar Dockerfiles; what a regrade changed.
import { parse } from 'csv-parse/sync';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjust } from '../../graders/class/adjust';
import { studentChange } from '../../graders/class/changes';
import { lateness, submissionTime } from '../../graders/class/deadline';
import { renderLms } from '../../graders/class/lms';
import { readOverrides } from '../../graders/class/overrides';
import { normaliseDockerfile, similarPairs } from '../../graders/class/similarity';
import type { Deadline } from '../../graders/model/deadline';
import { loadLab } from '../../graders/lab/load';
import type { Report } from '../../graders/report/model';
import { LAB_DIR } from '../support/helpers';

const lab = loadLab(LAB_DIR);
const deadline: Deadline = { due: '2026-12-01T23:59:00+00:00', grace: '15m', penalty: { per: 'day', amount: '10%', max: '30%' } };
const at = (iso: string) => ({ at: new Date(iso).toISOString(), source: 'file time' as const });
const report = (score: number, checks: [string, 'pass' | 'fail', number][] = []): Report =>
  ({ lab: lab.id, submission: 's', score, maxScore: 100, durationMs: 1, engine: { version: '', apiVersion: '', standIns: [] }, checks: checks.map(([id, status, s]) => ({ id, title: id, status, score: s, maxScore: s || 10, summary: `${id} ${status}`, evidence: [`${id} evidence`] })), outcome: { kind: 'graded' }, phases: [], notes: [], runId: 'r1' }) as Report;

describe('lateness', () => {
  it('takes nothing within the grace period and a started day after it, capped', () => {
    const s = { id: 'ann' };
    expect(lateness(deadline, s, at('2026-12-02T00:10:00Z'), 100)!.penalty).toBe(0);
    expect(lateness(deadline, s, at('2026-12-02T00:20:00Z'), 100)).toMatchObject({ units: 1, penalty: 10 });
    expect(lateness(deadline, s, at('2026-12-04T01:00:00Z'), 100)).toMatchObject({ units: 3, penalty: 30 });
    expect(lateness(deadline, s, at('2026-12-09T00:00:00Z'), 100)!.penalty).toBe(30);
  });
  it('moves one student\'s due time by the roster\'s extension, as a duration or a date', () => {
    expect(lateness(deadline, { id: 'bo', columns: { extension: '2d' } }, at('2026-12-03T20:00:00Z'), 100)!.penalty).toBe(0);
    expect(lateness(deadline, { id: 'bo', columns: { extension: '2026-12-05T12:00:00Z' } }, at('2026-12-05T13:00:00Z'), 100)).toMatchObject({ units: 1, penalty: 10 });
    expect(() => lateness(deadline, { id: 'bo', columns: { extension: 'soon' } }, at('2026-12-05T13:00:00Z'), 100)).toThrow(/bo: extension "soon"/);
  });
  it('reads the submission time from the roster column, a repository\'s last commit, or the file, and says which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-time-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    utimesSync(join(dir, 'Dockerfile'), new Date('2026-12-02T10:00:00Z'), new Date('2026-12-02T10:00:00Z'));
    expect(submissionTime({ id: 'c', path: dir })).toEqual({ at: '2026-12-02T10:00:00.000Z', source: 'file time' });
    expect(submissionTime({ id: 'c', path: dir, columns: { submitted_at: '2026-12-01T09:00:00Z' } })).toEqual({ at: '2026-12-01T09:00:00.000Z', source: 'roster column submitted_at' });
    const env = { ...process.env, GIT_AUTHOR_DATE: '2026-11-30T08:00:00Z', GIT_COMMITTER_DATE: '2026-11-30T08:00:00Z', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };
    execFileSync('git', ['init', '-q', dir]);
    execFileSync('git', ['-C', dir, 'add', '.'], { env });
    execFileSync('git', ['-C', dir, 'commit', '-qm', 'x'], { env });
    expect(submissionTime({ id: 'c', path: dir })).toEqual({ at: '2026-11-30T08:00:00.000Z', source: 'last commit' });
  });
});

describe('overrides', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'drydock-ovr-')), 'overrides.csv');
  it('replaces a check\'s points, then the late penalty, then a total; never touches an ungraded student without a total', () => {
    writeFileSync(file, 'student,check,points,comment\nann,cache-hit,15,"regraded by hand, see email"\nbo,total,80,appeal\n');
    const o = readOverrides(file, ['build', 'cache-hit']);
    expect(o[0]).toMatchObject({ student: 'ann', check: 'cache-hit', points: 15, comment: 'regraded by hand, see email', at: `${file}:2` });
    const ann = adjust(lab, { student: { id: 'ann' }, status: 'graded', report: report(85, [['build', 'pass', 85], ['cache-hit', 'fail', 0]]), time: at('2026-12-02T00:20:00Z') }, { deadline, overrides: o })!;
    expect(ann).toMatchObject({ raw: 85, final: 90 });
    expect(adjust(lab, { student: { id: 'bo' }, status: 'infrastructure error' }, { overrides: o })!.final).toBe(80);
    expect(adjust(lab, { student: { id: 'cy' }, status: 'infrastructure error' }, { overrides: o })).toBeUndefined();
  });
  it('names the file and line of a bad row', () => {
    writeFileSync(file, 'student,check,points\nann,sizee,3\n');
    expect(() => readOverrides(file, ['build', 'size'])).toThrow(`${file}:2: "sizee" is not a check`);
    writeFileSync(file, 'student,points\n');
    expect(() => readOverrides(file, ['build'])).toThrow(/:1: the header needs a "check" column/);
  });
});

describe('LMS import files, read back by each system\'s documented columns', () => {
  const rows = [
    { student: { id: 'ann', name: 'Ann Lee', email: 'ann@uni.edu', columns: { sis_user_id: 'S1', section: 'A', canvas_id: '101', username: 'alee' } }, status: 'graded' as const, report: report(90) },
    { student: { id: 'bo', name: 'Bo Chan', email: 'bo@uni.edu' }, status: 'missing' as const },
  ];
  it('Canvas: Student, ID, SIS User ID, SIS Login ID, Section, then the assignment; a Points Possible row', () => {
    const [header, possible, ann, bo] = parse(renderLms('canvas', lab, rows)) as string[][];
    expect(header.slice(0, 5)).toEqual(['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section']);
    expect(header[5]).toBe(lab.title);
    expect(possible).toEqual(['Points Possible', '', '', '', '', '100']);
    expect(ann).toEqual(['Ann Lee', '101', 'S1', 'ann@uni.edu', 'A', '90']);
    expect(bo[5]).toBe('');
  });
  it('Moodle: an identifier column (Email address), the grade and feedback', () => {
    const [header, ann] = parse(renderLms('moodle', lab, rows)) as string[][];
    expect(header).toEqual(['Email address', 'ID number', 'Full name', lab.title, 'Feedback']);
    expect(ann.slice(0, 4)).toEqual(['ann@uni.edu', 'ann', 'Ann Lee', '90']);
  });
  it('Blackboard: Last Name, First Name, Username, Student ID, then the column with its points', () => {
    const [header, ann] = parse(renderLms('blackboard', lab, rows)) as string[][];
    expect(header).toEqual(['Last Name', 'First Name', 'Username', 'Student ID', `${lab.title} [Total Pts: 100 Score]`]);
    expect(ann).toEqual(['Lee', 'Ann', 'alee', 'ann', '90']);
  });
});

describe('similar Dockerfiles', () => {
  const honest = (n: number) => `FROM golang:1.26-alpine AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go build -o /out/app${n} .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out/app${n} /app\nUSER 65532:65532\nENTRYPOINT ["/app${n}"]\n`;
  it('finds a copy under changed spacing, case and comments, and not two honest files that share only what was given', () => {
    const copied = honest(1).toLowerCase().replace(/ /g, '  ').replace(/^/gm, '# note\n');
    const files = new Map([['ann', honest(1)], ['bo', copied], ['cy', honest(2)], ['di', honest(3)]]);
    const pairs = similarPairs(files, [honest(0)]);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([['ann', 'bo']]);
    expect(pairs[0].score).toBe(1);
    expect(normaliseDockerfile('RUN a \\\n  b\n# c\n')).toEqual(['runab']);
  });
});

describe('what a regrade changed', () => {
  it('lists each check whose status or points changed, with the evidence before and after', () => {
    const before = { status: 'graded' as const, report: report(85, [['size', 'pass', 10], ['cache-hit', 'fail', 0]]) };
    const after = { status: 'graded' as const, report: report(100, [['size', 'pass', 10], ['cache-hit', 'pass', 15]]) };
    const c = studentChange('ann', before, after)!;
    expect(c.checks.map((k) => k.check)).toEqual(['cache-hit']);
    expect(c.checks[0].before).toMatchObject({ status: 'fail', evidence: ['cache-hit evidence'] });
    expect(studentChange('ann', before, before)).toBeUndefined();
  });
});
