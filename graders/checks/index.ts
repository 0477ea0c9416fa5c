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
import type { LabDefinition } from '../model/lab';
import type { ObservationInputs, ObservationNeed } from '../observe/driver';
import { paramsOf, type AnyCheck } from './types';
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

/**
 * What the lab's checks give the observations they shape, each from its own
 * section. A check whose required section is missing gives nothing: the
 * judge reports that section instead of a verdict.
 */
export function labInputs(lab: LabDefinition): ObservationInputs {
  const inputs: Record<string, unknown> = {};
  for (const check of labChecks(lab)) {
    if (check.params?.required && lab[check.params.key] === undefined) continue;
    for (const [need, give] of Object.entries(check.inputs ?? {})) inputs[need] = (give as (p: unknown) => unknown)(paramsOf(check, lab));
  }
  return inputs as ObservationInputs;
}
