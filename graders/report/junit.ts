import type { Report } from './model';

export const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** One <testsuite> per report, one <testcase> per check, the way CI dashboards read JUnit. */
export function junitSuite(r: Report, name = r.submission): string {
  const count = (s: string) => r.checks.filter((c) => c.status === s).length;
  const cases = r.checks.map((c) => {
    const body = [c.summary, ...c.evidence, c.fix ? `fix: ${c.fix}` : ''].filter(Boolean).join('\n');
    const inner =
      c.status === 'fail' ? `<failure message="${xmlEscape(c.summary)}">${xmlEscape(body)}</failure>`
      : c.status === 'error' ? `<error message="${xmlEscape(c.summary)}">${xmlEscape(body)}</error>`
      : c.status === 'skipped' ? `<skipped message="${xmlEscape(c.summary)}"/>`
      : `<system-out>${xmlEscape(body)}</system-out>`;
    return `    <testcase classname="${xmlEscape(`${r.lab}.${name}`)}" name="${xmlEscape(c.id)}">${inner}</testcase>`;
  });
  return [
    `  <testsuite name="${xmlEscape(name)}" tests="${r.checks.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skipped')}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

export function renderJunit(reports: Report[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${reports.map((r) => junitSuite(r)).join('\n')}\n</testsuites>\n`;
}
