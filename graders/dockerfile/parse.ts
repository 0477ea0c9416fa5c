import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import picomatch from 'picomatch';

/** One instruction of the student's Dockerfile, located for feedback. */
export interface DockerfileInstruction {
  keyword: string;
  /** The instruction's arguments as written, continuation lines joined. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** Flags such as `--from=build`, keyed by name (the last one wins, as in BuildKit). */
  flags: Record<string, string | null>;
  /** Every flag in order, repeats included (a RUN may have several --mount). */
  flagList: { name: string; value: string | null }[];
  stage: number;
}

export interface DockerfileStage {
  index: number;
  /** The `AS` name, or BuildKit's default `stage-N`. */
  name: string;
  /** The image reference after FROM, as written. */
  base: string;
  line: number;
  instructions: DockerfileInstruction[];
}

export interface ParsedDockerfile {
  text: string;
  stages: DockerfileStage[];
  /** The `# syntax=` directive's value and line, when present. */
  syntax?: { value: string; line: number };
}

/** Every flag of an instruction in order, repeats included. */
export function flagsOf(ins: Instruction): { name: string; value: string | null }[] {
  const withFlags = ins as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
  return (withFlags.getFlags?.() ?? []).map((f) => ({ name: f.getName(), value: f.getValue() }));
}

const collapse = (s: string) => s.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();

export function parseDockerfile(text: string): ParsedDockerfile {
  const df = DockerfileParser.parse(text);
  const stages: DockerfileStage[] = [];
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase();
    const line = ins.getRange().start.line + 1;
    const args = collapse(ins.getRawArgumentsContent() ?? '');
    if (keyword === 'FROM') {
      const from = ins as unknown as { getImage(): string | null; getBuildStage(): string | null };
      const index = stages.length;
      stages.push({ index, name: from.getBuildStage() ?? `stage-${index}`, base: from.getImage() ?? args, line, instructions: [] });
    }
    const stage = stages.at(-1);
    // Instructions before the first FROM (ARG) belong to no stage.
    const flagList = flagsOf(ins);
    if (stage) stage.instructions.push({ keyword, args, line, flags: Object.fromEntries(flagList.map((f) => [f.name, f.value])), flagList, stage: stage.index });
  }
  const directive = df.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax');
  const syntax = directive ? { value: directive.getValue(), line: directive.getRange().start.line + 1 } : undefined;
  return { text, stages, syntax };
}

/** The instruction a BuildKit step name such as `[build 4/6] RUN go mod download` came from. */
export function instructionForStep(df: ParsedDockerfile, stepName: string): DockerfileInstruction | undefined {
  // A single-stage build has no stage name in its step names: `[2/3] RUN make`.
  const m = /^\[(?:([^\s\]]+) )?\d+\/\d+\] (\S+)\s*(.*)$/s.exec(stepName);
  if (!m) return undefined;
  const [, stageName, keyword, rest] = m;
  const stage = stageName === undefined ? df.stages.at(-1) : (df.stages.find((s) => s.name === stageName) ?? df.stages.find((s) => `stage-${s.index}` === stageName));
  if (!stage) return undefined;
  const candidates = stage.instructions.filter((i) => i.keyword === keyword.toUpperCase());
  if (keyword.toUpperCase() === 'FROM') return candidates[0];
  const want = collapse(rest);
  // BuildKit expands build args in names, so an exact match comes first, then the closest prefix.
  return candidates.find((i) => i.args === want) ?? candidates.find((i) => want.startsWith(i.args.split('$')[0])) ?? candidates[0];
}

/** Source arguments of a COPY/ADD, without flags and destination. */
export function copySources(ins: DockerfileInstruction): string[] {
  let parts: string[];
  const trimmed = ins.args.trim();
  if (trimmed.startsWith('[')) {
    try {
      parts = JSON.parse(trimmed) as string[];
    } catch {
      parts = trimmed.split(/\s+/);
    }
  } else parts = trimmed.split(/\s+/).filter((p) => !p.startsWith('--'));
  return parts.slice(0, -1);
}

/** Does a COPY/ADD from the build context bring in this file (a context-relative path)? */
export function copiesFile(ins: DockerfileInstruction, file: string): boolean {
  if (!['COPY', 'ADD'].includes(ins.keyword) || 'from' in ins.flags) return false;
  return copySources(ins).some((src) => {
    const s = src.replace(/^\.\//, '').replace(/\/+$/, '');
    if (s === '' || s === '.') return true;
    if (file === s || file.startsWith(`${s}/`)) return true;
    return picomatch(s, { dot: true })(file);
  });
}

/** Is the instruction's command written in exec (JSON array) form? */
export function isExecForm(ins: DockerfileInstruction): boolean {
  const t = ins.args.trim();
  if (!t.startsWith('[')) return false;
  try {
    const v = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string');
  } catch {
    return false;
  }
}

/**
 * Blanks the `# syntax=` line (keeping line numbers) so BuildKit uses its
 * built-in frontend instead of fetching one from a registry.
 */
export function stripSyntaxDirective(text: string, line: number): string {
  const lines = text.split('\n');
  lines[line - 1] = '#';
  return lines.join('\n');
}
