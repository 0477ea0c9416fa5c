import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative } from 'node:path';
import type { Code, Paragraph, Parent, PhrasingContent, Root, RootContent, Text } from 'mdast';
import type { Processor } from 'unified';
import type { Node } from 'unist';
import { VFile } from 'vfile';
import { fromVitePressContainers } from '../preprocess/vitepress-containers';
import { visitNodes } from './walk';

/*
 * mdBook's `{{#include file}}` (with `:N`, `:N:M`, `:N:`, `::M` line ranges or
 * `:anchor`) and `{{#rustdoc_include}}`: inside a code block the lines are spliced
 * into the code; in prose the file is spliced in as Markdown, as mdBook does (a
 * fragment that is one paragraph joins the sentence it sits in; blocks split
 * it). `{{#playground file.rs attrs}}` is a code block of the file. A file or
 * anchor that is not there, a path outside the book's root and an include cycle
 * are warnings at the line, and the include stays as written. `\{{#…}}` is
 * mdBook's escape: text, never expanded.
 */
const INCLUDE = /\{\{#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}/g;
const PROSE = /\{\{#(include|rustdoc_include|playground)\s+([^}\s]+)((?:\s+[^}\s]+)*)\s*\}\}/g;
/** Nested Markdown includes deeper than this are a cycle in all but name. */
const MAX_DEPTH = 10;

export interface MdbookIncludesOptions {
  /** The book's root: an include may not reach outside it. */
  root?: string;
}

/** The lines of `text` that `spec` (what follows the path: `2:10`, `anchor`, …) selects, as mdBook reads it. */
export function selectLines(text: string, spec: string | undefined): string | undefined {
  const lines = text.replace(/\n$/, '').split('\n');
  // Anchor comments (`// ANCHOR: name`) never show, whatever is included.
  const clean = (ls: string[]) => ls.filter((l) => !/ANCHOR(_END)?:\s*[\w-]+/.test(l)).join('\n');
  if (spec === undefined || spec === '') return clean(lines);
  const range = /^(\d*)(?::(\d*))?$/.exec(spec);
  if (range) {
    const [, a, b] = range;
    const start = a ? Number(a) - 1 : 0;
    // `:N` alone is line N; `:N:` to the end; `::M` from the start.
    const end = b === undefined ? (a ? start + 1 : lines.length) : b ? Number(b) : lines.length;
    return clean(lines.slice(start, end));
  }
  const from = lines.findIndex((l) => new RegExp(`ANCHOR:\\s*${spec}\\b`).test(l));
  if (from < 0) return undefined;
  const to = lines.findIndex((l, i) => i > from && new RegExp(`ANCHOR_END:\\s*${spec}\\b`).test(l));
  return clean(lines.slice(from + 1, to < 0 ? lines.length : to));
}

/** Which occurrences of `{{#` in a text node are escaped (`\{{#`) in its source, in order; undefined when they cannot be matched up. */
export function escapedOccurrences(value: string, source: string): boolean[] | undefined {
  const inValue = value.split('{{#').length - 1;
  const inSource = [...source.matchAll(/(\\?)\{\{#/g)].map((m) => m[1] === '\\');
  return inSource.length === inValue ? inSource : undefined;
}

/** The file an include names, or why it cannot be read. */
function readIncluded(baseDir: string, arg: string, root: string | undefined): { abs: string; path: string; spec?: string; text?: string; why?: string } {
  const [path, ...rest] = arg.split(':');
  const abs = join(baseDir, path);
  const spec = rest.join(':') || undefined;
  if (root && (relative(root, abs).startsWith('..') || isAbsolute(relative(root, abs)))) return { abs, path, spec, why: `${path} is outside the book's folder` };
  if (!statSync(abs, { throwIfNoEntry: false })?.isFile()) return { abs, path, spec, why: `${path} does not exist` };
  const text = selectLines(readFileSync(abs, 'utf8'), spec);
  return text === undefined ? { abs, path, spec, why: `no anchor "${spec}" in ${path}` } : { abs, path, spec, text };
}

const LANGS: Record<string, string> = { rs: 'rust', py: 'python', js: 'javascript', ts: 'typescript', sh: 'bash', md: 'markdown', yml: 'yaml' };

function setPositions(node: Node, position: Node['position']): void {
  node.position = position;
  if ('children' in node) for (const c of (node as Parent).children) setPositions(c, position);
}

/**
 * remark-directive reads the `:2` of `{{#include a.md:2}}` as a text directive:
 * inside an open `{{#…`, such a directive and the text after it join the text
 * before it again, as written.
 */
function rejoin(para: Paragraph, source: string): void {
  const open = (t: string) => t.lastIndexOf('{{#') > t.lastIndexOf('}}');
  for (let i = 1; i < para.children.length; i++) {
    const prev = para.children[i - 1];
    const node = para.children[i];
    if (prev.type !== 'text' || !open(prev.value) || !prev.position || !node.position || (node.type !== 'textDirective' && node.type !== 'text')) continue;
    prev.value += node.type === 'text' ? node.value : source.slice(node.position.start.offset, node.position.end.offset);
    prev.position = { start: prev.position.start, end: node.position.end };
    para.children.splice(i--, 1);
  }
}

export default function remarkMdbookIncludes(this: Processor, options: MdbookIncludesOptions = {}) {
  const processor = this;
  const root = options.root;

  /** Expands the prose includes of `tree` (parsed from `source`, in `baseDir`); `stack` holds the files being included. */
  function expandProse(tree: Root, source: string, baseDir: string, stack: string[], file: VFile, outer?: Node['position']): void {
    // Messages about an included fragment point at the page's include line.
    const warn = (message: string, place: Node['position']) => file.message(message, { place: outer ?? place, ruleId: 'mdbook', source: 'drydock' });
    const found: { parent: Parent; para: Paragraph }[] = [];
    const collect = (parent: Parent) => {
      for (const node of parent.children) {
        if (node.type === 'paragraph') {
          if (node.children.some((c) => c.type === 'text' && c.value.includes('{{#'))) found.push({ parent, para: node });
        } else if ('children' in node && node.type !== 'heading' && node.type !== 'table') collect(node as Parent);
      }
    };
    collect(tree);
    for (const { parent, para } of found.reverse()) {
      rejoin(para, source);
      // The paragraph becomes runs of phrasing content, with blocks between them where a directive made blocks.
      let changed = false;
      const pieces: ({ kind: 'inline'; nodes: PhrasingContent[] } | { kind: 'blocks'; nodes: RootContent[] })[] = [];
      const pushInline = (n: PhrasingContent) => {
        const last = pieces[pieces.length - 1];
        if (last?.kind === 'inline') last.nodes.push(n);
        else pieces.push({ kind: 'inline', nodes: [n] });
      };
      for (const child of para.children) {
        if (child.type !== 'text' || !child.value.includes('{{#')) {
          pushInline(child);
          continue;
        }
        const start = child.position?.start.offset;
        const end = child.position?.end.offset;
        const escaped = start !== undefined && end !== undefined ? escapedOccurrences(child.value, source.slice(start, end)) : undefined;
        let occurrence = 0;
        let last = 0;
        const text = child.value;
        const lineOf = (at: number) => {
          const before = text.slice(0, at).split('\n');
          const s = child.position?.start ?? { line: 1, column: 1 };
          return { line: s.line + before.length - 1, column: before.length > 1 ? before[before.length - 1].length + 1 : s.column + before[0].length };
        };
        // Occurrences of `{{#` before each match, to know whether it is escaped.
        for (const m of text.matchAll(PROSE)) {
          const at = m.index ?? 0;
          occurrence = text.slice(0, at).split('{{#').length - 1;
          if (escaped?.[occurrence]) continue;
          const [whole, kind, arg, attrs] = m;
          const place = { start: lineOf(at), end: lineOf(at + whole.length) };
          const got = readIncluded(baseDir, arg, root);
          let replacement: { kind: 'inline'; nodes: PhrasingContent[] } | { kind: 'blocks'; nodes: RootContent[] } | undefined;
          if (got.why) warn(`${whole}: ${got.why}; kept as written`, place);
          else if (kind === 'playground') {
            const ext = extname(got.path).slice(1);
            const code: Code = { type: 'code', lang: LANGS[ext] ?? (ext || null), meta: attrs.trim() || null, value: got.text!, position: child.position };
            replacement = { kind: 'blocks', nodes: [code] };
          } else if (stack.includes(got.abs) || stack.length >= MAX_DEPTH) {
            warn(`${whole}: ${got.path} includes itself (through ${[...stack, got.abs].map((s) => relative(root ?? baseDir, s)).join(' → ')}); kept as written`, place);
          } else {
            const fragmentSource = fromVitePressContainers(got.text!);
            const fragment = processor.parse(new VFile({ path: got.abs, value: fragmentSource })) as Root;
            const here = outer ?? place;
            expandProse(fragment, fragmentSource, dirname(got.abs), [...stack, got.abs], file, here);
            const nodes = fragment.children.filter((n) => n.type !== 'yaml');
            for (const n of nodes) setPositions(n, here);
            replacement = nodes.length === 1 && nodes[0].type === 'paragraph' ? { kind: 'inline', nodes: nodes[0].children } : { kind: 'blocks', nodes };
          }
          if (!replacement) continue;
          changed = true;
          if (at > last) pushInline({ type: 'text', value: text.slice(last, at), position: child.position });
          if (replacement.kind === 'inline') replacement.nodes.forEach(pushInline);
          else pieces.push(replacement);
          last = at + whole.length;
        }
        if (last === 0) pushInline(child);
        else if (last < text.length) pushInline({ type: 'text', value: text.slice(last), position: child.position });
      }
      if (!changed) continue;
      const replaced: RootContent[] = [];
      for (const p of pieces) {
        if (p.kind === 'blocks') replaced.push(...p.nodes);
        else if (p.nodes.some((n) => n.type !== 'text' || n.value.trim() !== '')) {
          // A run split off by blocks loses the white space at its cut.
          const nodes = [...p.nodes];
          const first = nodes[0];
          const lastNode = nodes[nodes.length - 1];
          if (pieces.length > 1 && first.type === 'text') nodes[0] = { ...first, value: first.value.replace(/^\s+/, '') };
          if (pieces.length > 1 && lastNode.type === 'text') nodes[nodes.length - 1] = { ...(nodes[nodes.length - 1] as Text), value: (nodes[nodes.length - 1] as Text).value.replace(/\s+$/, '') };
          replaced.push({ type: 'paragraph', children: nodes, position: para.position });
        }
      }
      parent.children.splice(parent.children.indexOf(para), 1, ...(replaced as never[]));
    }
  }

  return (tree: Root, file: VFile) => {
    if (!String(file.value).includes('{{#')) return;
    const pageAbs = file.data.page?.abs;
    if (!pageAbs) return;
    visitNodes<Code>(tree, 'code', (node) => {
      if (!node.value.includes('{{#')) return;
      node.value = node.value.replace(INCLUDE, (whole, _kind: string, arg: string) => {
        const got = readIncluded(dirname(pageAbs), arg, root);
        if (got.text === undefined) {
          const line = (node.position?.start.line ?? 1) + 1 + node.value.slice(0, node.value.indexOf(whole)).split('\n').length - 1;
          file.message(`${whole}: ${got.why}; kept as written`, { place: { line, column: 1 }, ruleId: 'mdbook', source: 'drydock' });
          return whole;
        }
        return got.text;
      });
    });
    expandProse(tree, String(file.value), dirname(pageAbs), [], file);
  };
}
