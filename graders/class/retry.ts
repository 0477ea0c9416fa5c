import { outcome, studentStatus, type Report } from '../report/model';

/**
 * When a student's grading is not final: the rule of the deadline night.
 *
 * A check that ended in an infrastructure `error` (a lost build cache, an
 * engine that stopped answering, a daemon error) says nothing about the
 * student, and neither does a time limit hit while other students were
 * grading on the same cores: the limits are on the wall clock, and a
 * saturated machine stretches every build. Such a student is graded again
 * alone, after the rest of the class; the second result stands, with the
 * first one's evidence beside it.
 *
 * Why not a CPU-time build limit instead: every BuildKit step of every build
 * on a Docker 20.10 engine runs in one shared `docker/buildkit` cgroup, so
 * the engine API gives no per-build CPU time, and a remote engine's cgroups
 * are not readable from here at all. A wall-clock limit that becomes final
 * only when it is hit again with nothing else of the class running tells an
 * endless RUN (hit again) from a busy machine (not hit alone) on any engine.
 */

/** The checks' words for a time limit that ran out (build limit, readiness limit): see checks/build.ts and graceful-stop.ts. */
const TIME_LIMIT = /did not (finish|answer) within/;

/** The check that ran into a time limit, if one did. */
export function timeLimitHit(r: Report): { check: string; summary: string } | undefined {
  const c = r.checks.find((c) => c.status === 'fail' && TIME_LIMIT.test(c.summary));
  return c && { check: c.id, summary: c.summary };
}

/**
 * Why this grading is not final and the student goes to the retry after the
 * class, or undefined when it stands. `beside` is how many other students were
 * grading at some point during it.
 */
export function retryReason(r: Report, beside: number): string | undefined {
  const o = outcome(r);
  if (o.kind === 'infrastructure-error') return `an infrastructure error (${o.why.replace(/^([\w-]+): infrastructure error: /, '$1: ')})`;
  const limit = timeLimitHit(r);
  if (limit && beside > 0) return `${limit.check}: ${limit.summary}, while ${beside} other student${beside > 1 ? 's were' : ' was'} grading`;
  return undefined;
}

/**
 * The report that stands after the retry alone: the second one, with a note
 * saying why the student was graded twice, and, on every check that did not
 * pass either time, the first attempt's words below the second's.
 */
export function afterRetry(first: Report, second: Report, why: string, firstBeside = 1): Report {
  const firstWas = firstBeside > 0 ? 'first attempt, beside other students' : 'first attempt';
  const checks = second.checks.map((c) => {
    const before = first.checks.find((f) => f.id === c.id);
    if (c.status === 'pass' || !before || before.status === 'pass') return c;
    return {
      ...c,
      evidence: [`graded alone after the class: ${c.summary}`, ...c.evidence, `${firstWas}: ${before.summary}`, ...before.evidence.map((e) => `  ${e}`)],
    };
  });
  const outcome = studentStatus(second) === 'infrastructure error' ? 'it failed again alone, so the infrastructure error stands (both attempts are in the evidence)' : 'this is the result of that second grading';
  return { ...second, checks, notes: [...second.notes, `graded again alone after the rest of the class: the first attempt ended with ${why}; ${outcome}`] };
}
