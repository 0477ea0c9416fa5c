import { z } from 'zod';
import { DeadlineSchema } from './deadline';

/*
 * The shape of a lab definition (lab.yaml) that belongs to no single check:
 * identity, images, thresholds several checks read, points and limits. Each
 * check owns its own section (`cache`, `readOnlyRoot`, …) with its schema, in
 * its own file; lab/load.ts composes them into the schema lab.yaml is read
 * with. It sits in the model room, below every room that reads a lab (the
 * engine, the observers, the checks), so none of them imports lab/, which
 * imports the checks.
 */

const points = z.number().int().nonnegative();

/** The fields of lab.yaml outside any check's own section. */
export const LabCoreFields = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
  title: z.string().min(1),
  chapter: z.string().optional(),
  section: z.string().optional(),
  summary: z.string().optional(),
  images: z
    .object({
      toolchain: z.array(z.string()).default([]),
      allowedBases: z.array(z.string()).min(1),
      /** Files a Dockerfile may ADD from the network, each with the sha256 its content must have. */
      remoteSources: z
        .array(z.object({ url: z.string().url(), sha256: z.string().regex(/^[a-f0-9]{64}$/, 'a sha256 is 64 lowercase hex digits') }).strict())
        .default([]),
    })
    .strict(),
  thresholds: z
    .object({
      maxImageSizeMB: z.number().positive(),
      user: z.number().int().nonnegative(),
      gracePeriodSeconds: z.number().positive(),
      readiness: z
        .object({
          path: z.string().startsWith('/'),
          port: z.number().int().min(1).max(65535),
          timeoutSeconds: z.number().positive().default(20),
        })
        .strict(),
    })
    .strict(),
  /** When the lab is due and what lateness costs in a class run (see graders/class/deadline.ts). */
  deadline: DeadlineSchema.optional(),
  /** The checks this lab scores and their points; a check left out is not run. */
  points: z.record(z.string(), points),
  /** When given, the points must add up to it. */
  total: z.number().int().positive().optional(),
  limits: z
    .object({
      buildTimeoutSeconds: z.number().positive().default(300),
      memoryMB: z.number().positive().default(256),
      cpus: z.number().positive().default(1),
      pids: z.number().int().positive().default(128),
      contextMB: z.number().positive().default(50),
      logBytes: z.number().int().positive().default(1_000_000),
    })
    .strict()
    .default({ buildTimeoutSeconds: 300, memoryMB: 256, cpus: 1, pids: 128, contextMB: 50, logBytes: 1_000_000 }),
};

const LabCore = z.object(LabCoreFields);
/** A lab definition as checks and the grader read it; each check reads its own section through `paramsOf`. */
export type LabDefinition = z.infer<typeof LabCore> & { readonly [checkSection: string]: unknown };

/** Every base image a lab's builds need: toolchains first, then the allowed final bases. */
export function labBaseImages(lab: LabDefinition): string[] {
  return [...lab.images.toolchain, ...lab.images.allowedBases];
}
