import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Code, Root } from 'mdast';
import type { VFile } from 'vfile';
import { visitNodes } from './walk';

/*
 * mdBook's `{{#include file}}` (with `:N`, `:N:M`, `:N:`, `::M` line ranges or
 * `:anchor`) and `{{#rustdoc_include}}`, expanded inside code blocks, where mdBook
 * books use them. A file or anchor that is not there is a warning at its line, and
 * the include stays as written.
 */
const INCLUDE = /\{\{#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}/g;

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

export default function remarkMdbookIncludes() {
  return (tree: Root, file: VFile) => {
    if (!String(file.value).includes('{{#')) return;
    const pageAbs = file.data.page?.abs;
    visitNodes<Code>(tree, 'code', (node) => {
      if (!node.value.includes('{{#') || !pageAbs) return;
      node.value = node.value.replace(INCLUDE, (whole, _kind: string, arg: string) => {
        const [path, ...rest] = arg.split(':');
        const abs = join(dirname(pageAbs), path);
        const lines = existsSync(abs) ? selectLines(readFileSync(abs, 'utf8'), rest.join(':') || undefined) : undefined;
        if (lines === undefined) {
          const line = (node.position?.start.line ?? 1) + 1 + node.value.slice(0, node.value.indexOf(whole)).split('\n').length - 1;
          file.message(`${whole}: ${existsSync(abs) ? `no anchor "${rest.join(':')}" in ${path}` : `${path} does not exist`}; kept as written`, { place: { line, column: 1 }, ruleId: 'mdbook', source: 'drydock' });
          return whole;
        }
        return lines;
      });
    });
  };
}
