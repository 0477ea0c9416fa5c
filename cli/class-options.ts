import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { labChecks } from '../graders/checks';
import type { ClassOptions } from '../graders/class/results';
import { LMS_KINDS, type LmsKind } from '../graders/class/lms';
import { readOverrides } from '../graders/class/overrides';
import { DeadlineSchema, type Deadline } from '../graders/model/deadline';
import type { Lab } from '../graders/lab/load';
import { UsageError } from './args';

/** The options `grade --batch` and `gradebook merge` share for what a class applies after grading. */
export const classOptionSpecs = {
  deadline: { type: 'string' },
  grace: { type: 'string' },
  'late-penalty': { type: 'string' },
  overrides: { type: 'string' },
  lms: { type: 'string', multiple: true },
} as const;

export const CLASS_OPTIONS_HELP = `After grading (a class run or a merge):
  --deadline ISO                 due date and time with its offset (2026-12-04T23:59:00+01:00); lab.yaml's
                                 \`deadline:\` is the default; a roster column \`extension\` (2d, 36h or a date)
                                 moves one student's; the submission time is the roster column \`submitted_at\`,
                                 else a cloned repository's last commit, else the file's modification time
  --grace DURATION               nothing is taken within it (15m, 2h)
  --late-penalty SPEC            per started day or hour late: 10%/day, 5/hour, with an optional cap: 10%/day,max=50%
  --overrides FILE               CSV: student, check (a check id or total), points, comment; applied after
                                 grading and kept across --regrade (default: <out>/overrides.csv when present)
  --lms canvas|moodle|blackboard an import file for that system beside gradebook.csv (repeatable)
`;

type Values = { deadline?: string; grace?: string; 'late-penalty'?: string; overrides?: string; lms: string[] };

/** `10%/day,max=50%` as the deadline's penalty. */
function penaltyOf(spec: string): Deadline['penalty'] {
  const m = /^(\d+(?:\.\d+)?%?)\/(day|hour)(?:,max=(\d+(?:\.\d+)?%?))?$/.exec(spec.replace(/\s+/g, ''));
  if (!m) throw new UsageError(`drydock: --late-penalty "${spec}": write points or a percentage per day or hour, e.g. 10%/day or 5/hour,max=20`);
  const amount = (v: string) => (v.endsWith('%') ? v : Number(v));
  return { per: m[2] as 'day' | 'hour', amount: amount(m[1]), ...(m[3] ? { max: amount(m[3]) } : {}) };
}

export function classOptionsFrom(values: Values, lab: Lab, outDir: string): ClassOptions {
  const lms = values.lms.flatMap((v) => v.split(',')).filter(Boolean);
  for (const k of lms) if (!LMS_KINDS.includes(k as LmsKind)) throw new UsageError(`drydock: --lms ${k}: expected one of ${LMS_KINDS.join(', ')}`);
  let deadline: Deadline | undefined = lab.deadline;
  if (values.deadline || values.grace || values['late-penalty']) {
    const due = values.deadline ?? lab.deadline?.due;
    if (!due) throw new UsageError('drydock: --grace and --late-penalty need a deadline (--deadline, or `deadline:` in lab.yaml)');
    const parsed = DeadlineSchema.safeParse({
      due,
      grace: values.grace ?? lab.deadline?.grace,
      penalty: values['late-penalty'] ? penaltyOf(values['late-penalty']) : lab.deadline?.penalty,
    });
    if (!parsed.success) throw new UsageError(`drydock: --deadline/--grace: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    deadline = parsed.data;
  }
  const file = values.overrides ?? (existsSync(join(outDir, 'overrides.csv')) ? join(outDir, 'overrides.csv') : undefined);
  let overrides;
  try {
    overrides = file ? readOverrides(file, labChecks(lab).map((c) => c.id)) : undefined;
  } catch (err) {
    throw new UsageError(`drydock: ${(err as Error).message}`);
  }
  return { policy: { deadline, overrides }, lms: lms as LmsKind[] };
}
