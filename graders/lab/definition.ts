import { z } from 'zod';

/*
 * The shape of a lab definition (lab.yaml), without the rules that need the
 * check registry: checks import this type, and lab.ts adds those rules, so
 * the registry and the definition never import each other.
 */

const points = z.number().int().nonnegative();

export const LabShape = z
  .object({
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
    cache: z
      .object({
        sourceFile: z.string().min(1),
        dependencyStep: z.string().min(1).optional(),
        /** The files the dependency step reads (`go.mod go.sum*`, `requirements.txt`), named in the fix. */
        dependencyFiles: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    /** read-only-root: paths mounted as a tmpfs in the read-only run (e.g. [/tmp]); none when left out. */
    readOnlyRoot: z
      .object({ tmpfs: z.array(z.string().regex(/^\/[^\s,:]+$/, 'an absolute path other than /, without spaces, commas or colons')).default([]) })
      .strict()
      .optional(),
    /** dockerignore: what the build context must leave out, as .dockerignore patterns; one without a slash matches at any depth. */
    dockerignore: z.object({ exclude: z.array(z.string().min(1)).min(1) }).strict().optional(),
    /** cmd-args: arguments the grader appends (`docker run IMAGE ARG…`), and whether ENTRYPOINT must hold the program and CMD its default flags. */
    cmdArgs: z
      .object({ extraArgs: z.array(z.string().min(1)).min(1), requireSplit: z.boolean().default(true) })
      .strict()
      .optional(),
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
  })
  .strict();

export type LabDefinition = z.infer<typeof LabShape>;
