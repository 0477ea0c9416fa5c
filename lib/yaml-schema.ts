import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/** One problem in an author's file, located the way editors and CI annotations read it. */
export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}:${p.column} ${p.message}`;
}

export class SourceError extends Error {
  constructor(readonly problems: SourceProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SourceError';
  }
}

/**
 * Parses YAML text and validates it against a schema. Every syntax error and
 * every schema issue comes back with the line and column of the offending
 * node; `lineOffset` shifts lines when the YAML sits inside another file
 * (front matter starts on line 2 of a chapter).
 */
export function parseYamlWith<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  lineOffset = 0,
): { ok: true; value: z.infer<S> } | { ok: false; problems: SourceProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset, column: pos.col };
  };
  if (doc.errors.length) {
    return { ok: false, problems: doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: e.message.split('\n')[0] })) };
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (err) {
    // The yaml library refuses an alias that expands past its limit (a "billion laughs"
    // document) by throwing; to the author it is a problem in their file, not a crash.
    return { ok: false, problems: [{ file, ...at(0), message: `${(err as Error).message}: write the values out instead of expanding aliases (*name) this far` }] };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    // Point at the deepest node that exists on the issue's path.
    let offset = 0;
    for (let depth = issue.path.length; depth >= 0; depth--) {
      const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
      if (isNode(node) && node.range) {
        offset = node.range[0];
        break;
      }
    }
    // An unknown key is reported at the key itself.
    if (issue.code === 'unrecognized_keys') {
      const parent = doc.getIn(issue.path as (string | number)[], true) ?? doc.contents;
      const keys = (issue as { keys?: string[] }).keys ?? [];
      const items = (parent as { items?: { key?: { value?: unknown; range?: number[] } }[] })?.items ?? [];
      const hit = items.find((it) => keys.includes(String(it.key?.value)));
      if (hit?.key?.range) offset = hit.key.range[0];
    }
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return { file, ...at(offset), message: `${where}${issue.message}` };
  });
  return { ok: false, problems };
}
