import type { z } from 'zod';
import type { LabDefinition } from '../model/lab';
import type { InputOf, NeedWithInput, ObservationNeed, Observed } from '../observe/driver';

/** A check's id, as labs name it in `points`. */
export type CheckId = string;

export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** What one check concluded, with the evidence a student or instructor needs to trust it. */
export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  score: number;
  maxScore: number;
  /** One sentence: what was found. */
  summary: string;
  /** Measured facts behind the verdict, one per line. */
  evidence: string[];
  /** How to fix a failure, in the student's terms. */
  fix?: string;
  /** Where the book explains this property. */
  learnMore?: string;
}

/** The section of lab.yaml a check owns: its key, its schema, and whether a lab that scores the check must give it. */
export interface CheckParams<P> {
  key: string;
  schema: z.ZodType<P, any>;
  /** What to write, when a lab scores the check without the section; absent when the schema's defaults suffice. */
  required?: string;
}

/** A check's verdict before the driver adds points and links. */
export type Verdict = Omit<CheckResult, 'id' | 'title' | 'score' | 'maxScore' | 'learnMore'>;

/**
 * One assertion about a submission, in the manner of container-structure-test:
 * it says what it is (id, title, book anchor), what it needs observed and which
 * part of the lab definition it owns, and judges observations alone. A missing
 * or failed observation never reaches `evaluate`: the judge (grade/judge.ts) reports it.
 */
export interface Check<N extends ObservationNeed = ObservationNeed, P = undefined> {
  id: CheckId;
  /** The one title used by reports, the lab card and help texts. */
  title: string;
  /** The section of the lab's chapter that teaches this property. */
  anchor: string;
  needs: readonly N[];
  params?: CheckParams<P>;
  /** What each observation it needs that takes settings (the probe's source file, a variant run's flags) is given, from its parameters. */
  inputs?: Partial<InputsFor<N, P>>;
  evaluate(obs: Observed<N>, params: P): Verdict;
}

type InputsFor<N extends ObservationNeed, P> = { [K in N & NeedWithInput]: (params: P) => InputOf<K> };

/** Declares a check with its needs and parameters typed together; a check needing a settable observation must give its input. */
export function defineCheck<N extends ObservationNeed, P = undefined>(
  check: Check<N, P> & ([N & NeedWithInput] extends [never] ? unknown : { inputs: InputsFor<N, P> }),
): Check<N, P> {
  return check;
}

/**
 * The parameters a lab gives a check, as validated with the lab; a section the
 * lab leaves out is the schema's defaults (a check whose section is required
 * never runs without it: the lab schema refuses such a lab).
 */
export function paramsOf<P>(check: { params?: CheckParams<P> }, lab: LabDefinition): P {
  const p = check.params;
  if (!p) return undefined as P;
  const given = (lab as unknown as Record<string, unknown>)[p.key];
  return given !== undefined ? (given as P) : p.schema.parse({});
}

// Any check, for lists of checks with different needs and parameters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = Check<ObservationNeed, any>;
