import { pathGlob } from '../../lib/linear-glob';
import type { DockerfileFlag, DockerfileInstruction, ParsedDockerfile } from './model';
import { parseJsonArray, readDockerfile } from './read';

/*
 * Questions the checks and the cache probe ask of the one parsed model
 * (read.ts). Nothing here reads the Dockerfile's text again.
 */

export type { DockerfileFlag, DockerfileInstruction, DockerfileStage, ParsedDockerfile } from './model';

export const parseDockerfile = readDockerfile;

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The instruction a BuildKit step name such as `[build 4/6] RUN go mod download` came from. */
/** The grading builds with mount ids of its own (cache-mounts.ts): step names and instructions are compared without any. */
const withoutMountIds = (s: string) => s.replace(/--mount=(\S*)/g, (_, spec: string) => `--mount=${specFields(spec, 'id').join(',')}`);

export function instructionForStep(df: ParsedDockerfile, stepName: string): DockerfileInstruction | undefined {
  // A single-stage build has no stage name in its step names: `[2/3] RUN make`.
  const m = /^\[(?:([^\s\]]+) )?\d+\/\d+\] (\S+)\s*(.*)$/s.exec(stepName);
  if (!m) return undefined;
  const [, stageName, keyword, rest] = m;
  const stage = stageName === undefined ? df.stages.at(-1) : (df.stages.find((s) => s.name === stageName) ?? df.stages.find((s) => `stage-${s.index}` === stageName));
  if (!stage) return undefined;
  const candidates = stage.instructions.filter((i) => i.keyword === keyword.toUpperCase());
  if (keyword.toUpperCase() === 'FROM') return candidates[0];
  const want = withoutMountIds(collapse(rest));
  const args = (i: DockerfileInstruction) => withoutMountIds(i.args);
  // BuildKit expands build args in names, so an exact match comes first, then the closest prefix.
  return candidates.find((i) => args(i) === want) ?? candidates.find((i) => want.startsWith(args(i).split('$')[0])) ?? candidates[0];
}

/** Source arguments of a COPY/ADD, as the reader found them. */
export function copySources(ins: DockerfileInstruction): string[] {
  return ins.sources ?? [];
}

/** Does a COPY/ADD from the build context bring in this file (a context-relative path)? */
export function copiesFile(ins: DockerfileInstruction, file: string): boolean {
  if (!['COPY', 'ADD'].includes(ins.keyword) || 'from' in ins.flags) return false;
  return copySources(ins).some((src) => {
    const s = src.replace(/^\.\//, '').replace(/\/+$/, '');
    if (s === '' || s === '.') return true;
    if (file === s || file.startsWith(`${s}/`)) return true;
    // Linear, not picomatch's RegExp: the student writes the glob and the file names (lib/linear-glob.ts).
    return pathGlob(s)?.(file) ?? false;
  });
}

/** Is the instruction's command written in exec (JSON array) form? */
export function isExecForm(ins: DockerfileInstruction): boolean {
  return (ins.json ?? parseJsonArray(ins.rest)) !== undefined;
}

/**
 * Blanks the `# syntax=` line (keeping line numbers) so BuildKit uses its
 * built-in frontend instead of fetching one from a registry. The reader
 * accepts the directive on line 1 only, in a text with LF line ends, so the
 * line blanked is the one BuildKit would read.
 */
export function withoutSyntaxDirective(df: ParsedDockerfile): string {
  if (!df.syntax) return df.text;
  const lines = df.text.split('\n');
  lines[df.syntax.line - 1] = '#';
  return lines.join('\n');
}

/** `type=bind,from=x,target=/t` as BuildKit's mount parser reads it (the reader refused quotes and variables in flags). */
export function mountFields(spec: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    fields.set((eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase(), eq < 0 ? 'true' : part.slice(eq + 1).trim());
  }
  return fields;
}

/** A mount spec's comma-separated fields as written, without those whose key is `drop` (keys compared as BuildKit does, case-blind). */
export function specFields(spec: string, drop: string): string[] {
  return spec.split(',').filter((p) => p.split('=')[0].trim().toLowerCase() !== drop);
}

/** A `--mount` flag of type cache (a mount's type is bind when none is written). */
export const isCacheMount = (f: DockerfileFlag) => f.name === 'mount' && (mountFields(f.value ?? '').get('type') ?? 'bind').toLowerCase() === 'cache';

/** The `--mount` specs of a RUN, each read into its fields. */
export function mountsOf(ins: DockerfileInstruction): Map<string, string>[] {
  return ins.keyword === 'RUN' ? ins.flagList.filter((f) => f.name === 'mount').map((f) => mountFields(f.value ?? '')) : [];
}
