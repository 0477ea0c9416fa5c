import type { DockerfileFlag, ParsedDockerfile } from './model';
import { isCacheMount, mountFields, specFields } from './parse';
import { readDockerfile } from './read';

/*
 * A `RUN --mount=type=cache` directory lives in the engine, under its id
 * (the target path when no id is written), and every build on that engine
 * that names the same id shares it. Graded one after another on one engine,
 * a student could leave files there that the next student's build reads: a
 * poisoned Go build cache makes another student's binary. So each grading
 * gives its cache mounts ids of its own: the same in its build and its cache
 * probe (the id is part of the step's cache key), different from every other
 * grading's. The text keeps its lines, so the engine's line numbers still
 * point at the student's lines.
 */

/** Prefix of the cache mount ids a grading gives; its run id follows. */
export const CACHE_ID_PREFIX = 'drydock-';
/** BuildKit's parser refuses longer lines ("dockerfile line greater than max allowed size of 65535"). */
const BUILDKIT_LINE_BYTES = 65_535;

export interface CacheMount {
  /** The id as the student wrote it, or the target BuildKit uses when none is written. */
  id: string;
  /** The id the grading builds with. */
  isolated: string;
  target: string;
  line: number;
}

const targetOf = (fields: Map<string, string>) => fields.get('target') ?? fields.get('dst') ?? fields.get('destination') ?? '';

/** Every cache mount of the Dockerfile, in order; `source` is absent where the flag is split over a continuation. */
export function cacheMounts(df: ParsedDockerfile, runId: string): (CacheMount & { flag: DockerfileFlag })[] {
  const out: (CacheMount & { flag: DockerfileFlag })[] = [];
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'RUN') continue;
      for (const flag of ins.flagList.filter(isCacheMount)) {
        const fields = mountFields(flag.value ?? '');
        const target = targetOf(fields);
        const id = fields.get('id') || target;
        out.push({ id, isolated: `${CACHE_ID_PREFIX}${runId}-${id}`, target, line: ins.line, flag });
      }
    }
  }
  return out;
}

/**
 * The Dockerfile text with every cache mount's id replaced by one of this
 * grading's. Only flags the reader located are rewritten; the rules refuse a
 * cache mount split over a continuation before the text gets here.
 */
export function isolateCacheMounts(df: ParsedDockerfile, text: string, runId: string): { text: string; mounts: CacheMount[] } {
  const mounts = cacheMounts(df, runId);
  const lines = text.split('\n');
  // Right to left within a line, so the columns of earlier flags stay valid.
  const located = mounts.filter((m) => m.flag.source).sort((a, b) => a.flag.source!.line - b.flag.source!.line || b.flag.source!.column - a.flag.source!.column);
  for (const m of located) {
    const { line, column } = m.flag.source!;
    const word = `--mount=${m.flag.value}`;
    const l = lines[line - 1];
    // The reader located this word here; a mismatch would mean the text is not the one it read.
    if (l.slice(column, column + word.length) !== word) throw new Error(`line ${line}: the --mount flag is not where the reader found it`);
    lines[line - 1] = `${l.slice(0, column)}--mount=${[...specFields(m.flag.value!, 'id'), `id=${m.isolated}`].join(',')}${l.slice(column + word.length)}`;
  }
  const out = lines.join('\n');
  // Read back: a cache mount whose id is not this grading's would be shared, so it is never built.
  if (mounts.length) {
    const again = readDockerfile(out, { lineBytes: BUILDKIT_LINE_BYTES });
    const shared = cacheMounts(again, runId).filter((m) => !m.id.startsWith(`${CACHE_ID_PREFIX}${runId}-`));
    if (again.refusals.length || shared.length) throw new Error(`the cache mount on line ${shared[0]?.line ?? again.refusals[0]?.line} could not be given an id of this grading's own`);
  }
  return { text: out, mounts: mounts.map(({ flag: _flag, ...m }) => m) };
}
