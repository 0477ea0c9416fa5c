/*
 * The one parsed model of a student's Dockerfile. read.ts builds it; the
 * rules (rules.ts), the cache probe, the checks and feedback only read it.
 */

/** Why a Dockerfile is not built, in a student's terms. */
export type PolicyRule = 'unreadable' | 'remote-source' | 'foreign-image' | 'network' | 'mount' | 'security' | 'frontend' | 'unknown-flag';

export interface PolicyViolation {
  line: number;
  rule: PolicyRule;
  /** What the line does, in the student's terms. */
  message: string;
  /** Why the grader refuses it. */
  why: string;
  fix: string;
  /** Set on the one entry that stands for problems not listed (a report lists at most a few dozen). */
  overflow?: boolean;
}

export interface DockerfileFlag {
  name: string;
  /** `null` for a flag written without `=` (`--link`). */
  value: string | null;
  /** Where `--name=value` is written (line 1-based, column 0-based), when it lies on one line rather than across a continuation. */
  source?: { line: number; column: number };
}

/** One instruction, located for feedback. */
export interface DockerfileInstruction {
  /** Upper case: `COPY`. */
  keyword: string;
  /** Everything after the keyword, flags included, continuation lines joined as BuildKit joins them, whitespace collapsed. */
  args: string;
  /** What follows the flags, as BuildKit hands it to the instruction. */
  rest: string;
  /** 1-based line where the instruction starts, and where it ends (continuations). */
  line: number;
  endLine: number;
  /** Flags keyed by name (the last one wins, as in BuildKit). */
  flags: Record<string, string | null>;
  /** Every flag in order, repeats included (a RUN may have several --mount). */
  flagList: DockerfileFlag[];
  /** Index of the stage it belongs to; -1 for an ARG before the first FROM. */
  stage: number;
  /** The elements when written in JSON (exec) form. */
  json?: string[];
  /** COPY/ADD: the sources, each literal (the reader refuses quotes, escapes and variables there), and the destination. */
  sources?: string[];
  dest?: string;
  /** ENV/ARG/LABEL: the pairs with values as BuildKit expands them (`undefined`: an ARG declared without a default). */
  pairs?: { key: string; value: string | undefined }[];
  /** Variables visible to the instruction (ARGs in scope and ENV), as BuildKit would expand them. */
  vars: ReadonlyMap<string, string>;
}

export interface DockerfileStage {
  index: number;
  /** The `AS` name lower-cased, or BuildKit's default `stage-N`. */
  name: string;
  /** The `AS` name lower-cased, when written. */
  alias?: string;
  /** The image reference after FROM, literal (the reader refuses variables there). */
  base: string;
  /** The earlier stage this one is built FROM, when `base` names one. */
  baseStage?: number;
  /** `--platform` of the FROM, when written. */
  platform?: string;
  line: number;
  instructions: DockerfileInstruction[];
}

export interface ParsedDockerfile {
  /** The text as BuildKit is given it: CRLF line ends made LF, nothing else changed. */
  text: string;
  stages: DockerfileStage[];
  /** ARGs before the first FROM. */
  globalArgs: DockerfileInstruction[];
  /** The `# syntax=docker/dockerfile:<version>` directive, always on line 1 when present. */
  syntax?: { value: string; line: number };
  /**
   * What the reader refused: forms two readers of the text could disagree on.
   * When this is not empty the stages hold what could be read and must not be trusted to describe the build.
   */
  refusals: PolicyViolation[];
}
