import pc from 'picocolors';
import { showsEvidence, showsFix, type Report } from './model';
import type { CheckStatus } from '../checks/types';

const MARK: Record<CheckStatus, (s: string) => string> = {
  pass: (s) => pc.green(s),
  fail: (s) => pc.red(s),
  error: (s) => pc.magenta(s),
  skipped: (s) => pc.dim(s),
};
const LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/** The report a student reads in a terminal: verdict, evidence, fix and where to read more, per check. */
export function renderTerminal(r: Report): string {
  const out: string[] = [];
  out.push(pc.bold(`Drydock · ${r.lab} · ${r.submission}`));
  out.push(pc.dim(`engine ${r.engine.version} (API ${r.engine.apiVersion})${r.engine.standIns.length ? ` · stand-in images: ${r.engine.standIns.join(', ')}` : ''}`));
  out.push('');
  for (const c of r.checks) {
    out.push(`${MARK[c.status](LABEL[c.status].padEnd(5))} ${pc.bold(c.title)} ${pc.dim(`[${c.id}] ${c.score}/${c.maxScore}`)}`);
    out.push(`      ${c.summary}`);
    if (showsEvidence(c)) for (const e of c.evidence) out.push(pc.dim(`        ${e}`));
    if (c.fix && showsFix(c)) out.push(`      ${pc.yellow('fix:')} ${c.fix}`);
    if (c.learnMore && showsFix(c)) out.push(`      ${pc.cyan('read:')} ${c.learnMore}`);
  }
  out.push('');
  for (const n of r.notes) out.push(pc.dim(`note: ${n}`));
  const errors = r.checks.filter((c) => c.status === 'error').length;
  out.push(
    pc.bold(`Score ${r.score}/${r.maxScore}`) +
      (errors ? pc.magenta(`  (${errors} check(s) hit an infrastructure error: this is not a grade, re-run when the engine is healthy)`) : '') +
      pc.dim(`  in ${(r.durationMs / 1000).toFixed(1)} s (${r.phases.map((p) => `${p.name} ${(p.ms / 1000).toFixed(1)} s`).join(', ')})`),
  );
  return out.join('\n') + '\n';
}
