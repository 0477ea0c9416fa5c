import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseYamlWith, SourceError } from '../../lib/yaml-schema';
import { z } from 'zod';
import { CHECK_IDS, CHECKS, labChecks } from '../checks';
import { LabCoreFields, type LabDefinition } from '../model/lab';

export { CHECK_IDS } from '../checks';
export type { CheckId } from '../checks/types';
export type { LabDefinition } from '../model/lab';
export { labBaseImages } from '../model/lab';

// Each check's own section of lab.yaml, as the check declares it: optional here, required below when the lab scores the check.
const checkSections = Object.fromEntries(CHECKS.flatMap((c) => (c.params ? [[c.params.key, c.params.schema.optional()]] : [])));

export const LabSchema = z.object({ ...LabCoreFields, ...checkSections }).strict().superRefine((lab, ctx) => {
  for (const id of Object.keys(lab.points)) {
    if (!CHECK_IDS.includes(id)) ctx.addIssue({ code: 'custom', path: ['points', id], message: `unknown check "${id}" (known: ${CHECK_IDS.join(', ')})` });
  }
  if (lab.points.build === undefined) ctx.addIssue({ code: 'custom', path: ['points'], message: 'every lab scores the build check (the others need an image)' });
  for (const check of labChecks(lab)) {
    const p = check.params;
    if (p?.required && (lab as Record<string, unknown>)[p.key] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['points', check.id], message: `${check.id} needs ${p.required}` });
    }
  }
  const sum = maxScore(lab);
  if (lab.total !== undefined && sum !== lab.total) ctx.addIssue({ code: 'custom', path: ['total'], message: `the points add up to ${sum}, not ${lab.total}` });
});

/** A lab as found on disk: its definition plus where its parts live. */
export interface Lab extends LabDefinition {
  dir: string;
  definitionFile: string;
  handout?: string;
  starterDir?: string;
  solutionDir?: string;
}

const DEFINITION_NAMES = ['lab.yaml', 'lab.yml'];

export function loadLab(dir: string): Lab {
  const abs = resolve(dir);
  const name = DEFINITION_NAMES.find((n) => existsSync(join(abs, n)));
  if (!name) {
    throw new SourceError([{ file: join(dir, 'lab.yaml'), line: 1, column: 1, message: 'no lab definition (lab.yaml) in this folder' }]);
  }
  const file = join(abs, name);
  const parsed = parseYamlWith(LabSchema, readFileSync(file, 'utf8'), join(dir, name));
  if (!parsed.ok) throw new SourceError(parsed.problems);
  const opt = (p: string) => (existsSync(join(abs, p)) ? join(abs, p) : undefined);
  return {
    ...parsed.value,
    dir: abs,
    definitionFile: file,
    handout: opt('README.md'),
    starterDir: opt('starter'),
    solutionDir: opt('solution'),
  };
}

export function maxScore(lab: Pick<LabDefinition, 'points'>): number {
  return Object.values(lab.points).reduce((sum, p) => sum + p, 0);
}
