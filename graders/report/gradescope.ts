import { outcome, showsEvidence, showsFix, type Report } from './model';

/** Gradescope's autograder results format (results.json). */
export function renderGradescope(r: Report): string {
  const tests = r.checks.map((c) => ({
    name: c.title,
    number: c.id,
    score: c.score,
    max_score: c.maxScore,
    status: c.status === 'pass' ? 'passed' : 'failed',
    output: [c.summary, ...(showsEvidence(c) ? ['', '```', ...c.evidence, '```'] : []), ...(c.fix && showsFix(c) ? ['', `**Fix:** ${c.fix}`] : [])].join('\n'),
    output_format: 'md',
  }));
  const infra = outcome(r).kind === 'infrastructure-error';
  return `${JSON.stringify(
    {
      score: r.score,
      execution_time: Math.round(r.durationMs / 1000),
      output: infra ? 'The grader hit an infrastructure error; this result is not a grade.' : `Score ${r.score}/${r.maxScore}`,
      output_format: 'md',
      stdout_visibility: 'visible',
      tests,
    },
    null,
    2,
  )}\n`;
}
