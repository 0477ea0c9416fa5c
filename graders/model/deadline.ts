import { z } from 'zod';

/**
 * A deadline and what lateness costs: `due` (ISO 8601 with its offset), a
 * `grace` period nothing is taken for, and a penalty per started day or hour
 * late, in points or percent of the maximum, capped. Given in lab.yaml
 * (`deadline:`) or on the command line; the roster can move one student's
 * due time (`extension` column: `2d`, `36h` or an ISO date-time).
 */
export const DeadlineSchema = z
  .object({
    due: z.iso.datetime({ offset: true }),
    grace: z.string().regex(/^\d+(?:\.\d+)?[mhd]$/, 'a duration such as 15m, 2h or 1d').default('0m'),
    penalty: z
      .object({
        per: z.enum(['day', 'hour']),
        /** Points taken per started unit late, or a percentage of the maximum score when written as `10%`. */
        amount: z.union([z.number().nonnegative(), z.string().regex(/^\d+(?:\.\d+)?%$/, 'points, or a percentage such as 10%')]),
        /** The most a submission can lose to lateness, in the same unit as `amount`. */
        max: z.union([z.number().nonnegative(), z.string().regex(/^\d+(?:\.\d+)?%$/)]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Deadline = z.infer<typeof DeadlineSchema>;
