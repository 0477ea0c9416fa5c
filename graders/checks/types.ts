import type Docker from 'dockerode';
import type { z } from 'zod';
import type { BuildOutcome } from '../observe/build';
import type { DockerfileInstruction, ParsedDockerfile } from '../dockerfile/parse';
import type { PolicyViolation } from '../dockerfile/policy';
import type { LabDefinition } from '../lab/definition';

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

/** Everything the grader saw of the filesystem of the built image. */
export interface ImageFiles {
  paths: Set<string>;
  passwd?: string;
  group?: string;
}

/** The running container, as observed. */
export interface RunObservation {
  /** Set when the engine would not start the container; the student's image is the cause. */
  startError?: string;
  exitedEarly?: { exitCode: number; oomKilled: boolean };
  ready: boolean;
  readyAfterMs?: number;
  pid1?: { uid: number; args: string };
  processes: { pid: number; uid: number; args: string }[];
  stop?: { elapsedMs: number; exitCode: number; oomKilled: boolean };
  logTail: string[];
}

/** The probe rebuild after a one-line source change. */
export type CacheProbe =
  | {
      outcome: BuildOutcome;
      probeComment: string;
      /** Steps a first probe reported as re-run with unchanged inputs, when the grader had to probe again. */
      earlier?: DockerfileInstruction[];
    }
  /** No probe could be made and the submission is to blame (the source file the probe edits is missing). */
  | { impossible: string };

/** One thing in a layer of the final image that looks like a credential. Never holds the secret itself. */
export interface SecretFinding {
  /** 0-based index into `LayerScan.layers`. */
  layer: number;
  /** Path inside the layer, without a leading slash. */
  path: string;
  /** What it looks like: `private key (PEM)`, `.env file`, `GitHub token`… */
  kind: string;
  /** A redacted sample (`ghp_…(40 chars)`), when the finding is in the content. */
  sample?: string;
  /** A later layer deletes this path: gone from the container, still in the image. */
  deletedLater?: boolean;
}

/** What `docker save` of the final image showed, layer by layer (bottom first). */
export interface LayerScan {
  layers: {
    diffId: string;
    /** The history step (CreatedBy) that made the layer, when the config says. */
    step?: string;
    /** The layer is one of the lab's own images (a toolchain or an allowed base): not the student's. */
    fromLab: boolean;
    /**
     * The layer's uncompressed tar bytes as `docker save` carries it: the size
     * unit that reads the same on every engine and image store (overlay2 saves
     * plain tars, the containerd store gzip blobs, and each reports a different
     * `Size`).
     */
    bytes: number;
  }[];
  /** The config's history, every entry in order, empty layers included. */
  history: { createdBy: string; emptyLayer: boolean }[];
  findings: SecretFinding[];
  /** File content bytes read and matched. */
  scannedBytes: number;
  /** Files only partly read because of the per-file bound. */
  truncatedFiles: number;
  /** Set when the total bound was reached: later files were judged by their path alone. */
  totalCapReached?: boolean;
  limits: { perFileBytes: number; totalBytes: number };
}

/** The build context as sent to the engine. */
export interface ContextObservation {
  /** Every file sent, context-relative, `/`-separated. */
  files: string[];
  /** The submission has a .dockerignore. */
  hasDockerignore: boolean;
}

/** A second run of the image with changed settings (read-only root, extra arguments). */
export interface VariantRun {
  /** How it was run, in `docker run` terms, for the evidence. */
  how: string;
  run: RunObservation;
}

/**
 * Observations gathered from the engine for one submission. Checks only read
 * these: all engine traffic happens before, so each check is a pure
 * function of what was measured.
 */
export interface Observations {
  lab: LabDefinition;
  dockerfile?: ParsedDockerfile;
  /** Notes the grader wants in the report (syntax directive stripped, starter files filled in). */
  notes: string[];
  /** What the Dockerfile would make the grading host do that the rules forbid; nothing is built when non-empty. */
  policy?: PolicyViolation[];
  build?: BuildOutcome;
  image?: Docker.ImageInspectInfo;
  history?: { CreatedBy: string; Size: number }[];
  /** Layers of each allowed base image present in the engine. */
  baseLayers: Map<string, string[]>;
  files?: ImageFiles;
  run?: RunObservation;
  cache?: CacheProbe;
  /** `docker save` of the final image: layer sizes (size), and files scanned for credentials (no-secrets). */
  layerScan?: LayerScan;
  /** What the engine received as build context (dockerignore). */
  context?: ContextObservation;
  /** The image run with a read-only root filesystem (read-only-root). */
  readOnlyRun?: VariantRun;
  /** The image run with the lab's extra arguments (cmd-args). */
  argsRun?: VariantRun;
  /** Infrastructure failures by observation; the driver turns them into `error` for every check that needs one. */
  infraErrors: Partial<Record<ObservationNeed, string>>;
}

/** What the grader must observe for a check, beyond the build itself. */
export type ObservationNeed = 'image' | 'files' | 'run' | 'cache' | 'layers' | 'layer-sizes' | 'context' | 'read-only-run' | 'args-run';

/** Where each observation lands in `Observations`: the driver reads this to tell a missing observation. */
export const NEED_KEY = {
  image: 'image',
  files: 'files',
  run: 'run',
  cache: 'cache',
  layers: 'layerScan',
  'layer-sizes': 'layerScan',
  context: 'context',
  'read-only-run': 'readOnlyRun',
  'args-run': 'argsRun',
} as const satisfies Record<ObservationNeed, keyof Observations>;

/** The observations a check may rely on: every one it needs is present (the driver judges before it runs otherwise). */
export type Observed<N extends ObservationNeed> = Observations & { [K in N as (typeof NEED_KEY)[K]]-?: NonNullable<Observations[(typeof NEED_KEY)[K]]> };

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
 * or failed observation never reaches `evaluate`: the driver reports it.
 */
export interface Check<N extends ObservationNeed = ObservationNeed, P = undefined> {
  id: CheckId;
  /** The one title used by reports, the lab card and help texts. */
  title: string;
  /** The section of the lab's chapter that teaches this property. */
  anchor: string;
  needs: readonly N[];
  params?: CheckParams<P>;
  evaluate(obs: Observed<N>, params: P): Verdict;
}

/** Declares a check with its needs and parameters typed together. */
export function defineCheck<N extends ObservationNeed, P = undefined>(check: Check<N, P>): Check<N, P> {
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
