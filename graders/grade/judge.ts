import { labChecks } from '../checks';
import { paramsOf, type AnyCheck, type CheckResult, type Verdict } from '../checks/types';
import { NEED_KEY, type Observations } from '../observe/driver';
import type { Lab } from '../lab/load';

/** How grading ended before the checks judged, when it did: every check then gets the same status. */
export type Cutoff = { kind: 'not-built' } | { kind: 'infrastructure'; why: string };

function learnMoreFor(lab: Lab, anchor: string, bookBase?: string): string | undefined {
  if (!lab.chapter) return undefined;
  const page = lab.chapter.replace(/^chapters\//, '').replace(/\.md$/, '.html');
  return `${bookBase ? bookBase.replace(/\/$/, '') + '/' : ''}${page}#${anchor}`;
}

/**
 * What a check can say given what was observed: the driver, not the check,
 * answers when an observation it needs failed (`error`) or was never made
 * because the image did not build (`skipped`).
 */
export function judgeCheck(check: AnyCheck, obs: Observations, cutoff?: Cutoff): Verdict {
  if (cutoff?.kind === 'infrastructure') return { status: 'error', summary: `infrastructure error: ${cutoff.why}`, evidence: [] };
  if (cutoff?.kind === 'not-built' && check.id !== 'build') return { status: 'skipped', summary: 'skipped: the image did not build', evidence: [] };
  const p = check.params;
  if (p?.required && obs.lab[p.key] === undefined) return { status: 'error', summary: `the lab definition gives no \`${p.key}\` section, which this check needs: ${p.required}`, evidence: [] };
  for (const need of check.needs) {
    const failed = obs.infraErrors[need];
    if (failed) return { status: 'error', summary: `infrastructure error: the ${need} observation failed in the engine`, evidence: [failed] };
    if (obs[NEED_KEY[need]] === undefined) return { status: 'error', summary: `infrastructure error: the ${need} observation was not made`, evidence: [] };
  }
  return check.evaluate(obs as never, paramsOf(check, obs.lab));
}

/** Every scored check's result, with points and a link into the book. */
export function judge(lab: Lab, obs: Observations, opts: { bookBase?: string; cutoff?: Cutoff } = {}): CheckResult[] {
  return labChecks(lab).map((check) => {
    const maxScore = lab.points[check.id] ?? 0;
    const v = judgeCheck(check, obs, opts.cutoff);
    return { id: check.id, title: check.title, maxScore, learnMore: learnMoreFor(lab, check.anchor, opts.bookBase), ...v, score: v.status === 'pass' ? maxScore : 0 };
  });
}
