import { buildCheck } from './build';
import { cacheHitCheck } from './cache-hit';
import { cmdArgsCheck } from './cmd-args';
import { distrolessCheck } from './distroless';
import { dockerignoreCheck } from './dockerignore';
import { execEntrypointCheck } from './exec-entrypoint';
import { gracefulStopCheck } from './graceful-stop';
import { noSecretsCheck } from './no-secrets';
import { pinnedBaseCheck } from './pinned-base';
import { readOnlyRootCheck } from './read-only-root';
import { sizeCheck } from './size';
import type { AnyCheck, ObservationNeed } from './types';
import { userCheck } from './user';

/** Every check Drydock knows, in report order: the one list the lab schema, reports, the lab card and help texts derive from. */
export const CHECKS: readonly AnyCheck[] = [
  buildCheck,
  sizeCheck,
  distrolessCheck,
  userCheck,
  execEntrypointCheck,
  gracefulStopCheck,
  cacheHitCheck,
  // Optional per lab: scored only by labs that list them in `points`.
  pinnedBaseCheck,
  dockerignoreCheck,
  noSecretsCheck,
  readOnlyRootCheck,
  cmdArgsCheck,
];

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/** The checks a lab scores, in report order. */
export function labChecks(lab: { points: Record<string, number | undefined> }): AnyCheck[] {
  return CHECKS.filter((c) => lab.points[c.id] !== undefined);
}

/** What the grader must observe for a lab's checks. */
export function labNeeds(lab: { points: Record<string, number | undefined> }): Set<ObservationNeed> {
  return new Set(labChecks(lab).flatMap((c) => c.needs));
}
