// `drydock lab test` follows the class's rule for a grading that is not final: an
// infrastructure error, or a time limit hit while other cases were grading, is graded
// again alone after the rest. The scheduling is pure logic over a grading function, so
// a stand-in grader that answers by case name and attempt is enough here; the engine
// behaviour that made it necessary (a cold Docker 26.1.5 engine) is in the README.
import { describe, expect, it } from 'vitest';
import { gradeCases, type Variant } from '../../graders/authoring/selftest';
import { outcomeOf, type Report } from '../../graders/report/model';

type Status = 'pass' | 'fail' | 'error';
const report = (name: string, status: Status, summary: string): Report => {
  const checks = [{ id: 'build', title: 'build', maxScore: 100, score: status === 'pass' ? 100 : 0, status, summary, evidence: [] }];
  return { lab: 'l', submission: name, score: checks[0].score, maxScore: 100, durationMs: 1, engine: { version: '', apiVersion: '', standIns: [] }, phases: [], notes: [], runId: name, checks, outcome: outcomeOf(checks as never) } as never;
};
const variant = (name: string): Variant => ({ name, mistake: 'm', fails: ['build'], dir: name }) as never;
const LIMIT = 'the build did not finish within the 300 s limit';
const LOST = 'infrastructure error: the engine re-ran line 6 in two probes';

/** A grader whose answers are scripted per case name, one per attempt, with a pause so cases overlap. */
function scripted(answers: Record<string, [Status, string][]>) {
  const calls: string[] = [];
  let running = 0;
  const alone: boolean[] = [];
  const grade = async (v: Variant | undefined) => {
    const name = v?.name ?? 'solution';
    const attempt = calls.filter((c) => c === name).length;
    calls.push(name);
    running++;
    await new Promise((r) => setTimeout(r, 20));
    if (attempt > 0) alone.push(running === 1);
    running--;
    const [status, summary] = answers[name][Math.min(attempt, answers[name].length - 1)];
    return report(name, status, summary);
  };
  return { grade, calls, alone };
}

describe('lab test grades a case again alone when its first grading is not final', () => {
  it('an infrastructure error and a time limit beside others are graded again alone; the second result stands', async () => {
    const g = scripted({
      solution: [['error', LOST], ['pass', 'built']],
      slow: [['fail', LIMIT], ['fail', 'exit code 1']],
      honest: [['fail', 'exit code 1']],
    });
    const seen: string[] = [];
    const cases = await gradeCases([undefined, variant('slow'), variant('honest')], g.grade, { jobs: 2, onCase: (c) => seen.push(c.name) });
    expect(g.calls.filter((c) => c === 'solution')).toHaveLength(2);
    expect(g.calls.filter((c) => c === 'slow')).toHaveLength(2);
    expect(g.calls.filter((c) => c === 'honest')).toHaveLength(1);
    expect(g.alone).toEqual([true, true]);
    expect(cases.map((c) => [c.name, c.problems])).toEqual([
      ['solution', []],
      ['slow', []],
      ['honest', []],
    ]);
    expect(cases[0].retried).toMatch(/^an infrastructure error/);
    expect(cases[0].report.notes.join('\n')).toMatch(/graded again alone/);
    expect(cases[1].retried).toMatch(/300 s limit, while [12] other students? (was|were) grading/);
    // Every case is reported once, the retried ones after the rest.
    expect(seen).toEqual(['honest', 'solution', 'slow']);
  });

  it('an error that happens again alone stands, and a time limit hit alone is final at once', async () => {
    const g = scripted({ solution: [['error', LOST]], slow: [['fail', LIMIT]] });
    const both = await gradeCases([undefined], g.grade, { jobs: 1 });
    expect(g.calls).toEqual(['solution', 'solution']);
    expect(both[0].problems.join('\n')).toMatch(/infrastructure error/);

    const h = scripted({ slow: [['fail', LIMIT], ['pass', 'built']] });
    const alone = await gradeCases([variant('slow')], h.grade, { jobs: 2 });
    expect(h.calls).toEqual(['slow']);
    expect(alone[0].retried).toBeUndefined();
    expect(alone[0].report.checks[0].summary).toBe(LIMIT);
  });

  it('nothing is graded again once the run is interrupted', async () => {
    const ctl = new AbortController();
    const g = scripted({ solution: [['error', 'infrastructure error: INTERRUPTED']] });
    const p = gradeCases([undefined], async (v) => {
      ctl.abort();
      return g.grade(v);
    }, { jobs: 1, signal: ctl.signal });
    const cases = await p;
    expect(g.calls).toEqual(['solution']);
    expect(cases[0].retried).toBeUndefined();
  });
});

describe("lab test's line for a case", () => {
  it('points at the limit to raise when the solution itself ran out of time, and only then', async () => {
    const { caseLine } = await import('../../cli/lab');
    const [slow] = await gradeCases([undefined], async () => report('solution', 'fail', LIMIT), { jobs: 1 });
    expect(caseLine(slow)).toMatch(/the solution itself ran out of time \(build\); .* raise limits\.buildTimeoutSeconds in lab\.yaml/);
    const [broken] = await gradeCases([undefined], async () => report('solution', 'fail', 'exit code 1'), { jobs: 1 });
    expect(caseLine(broken)).not.toMatch(/ran out of time/);
    const [variantSlow] = await gradeCases([variant('v')], async () => report('v', 'fail', LIMIT), { jobs: 1 });
    expect(caseLine(variantSlow)).not.toMatch(/ran out of time/);
  });
});
