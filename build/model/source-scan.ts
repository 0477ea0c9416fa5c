/** A fenced code block as the parser will read it: its info string's first word and its content. */
export interface Fence {
  /** As written (`Dockerfile`, `mermaid`); '' when the fence names none. */
  lang: string;
  value: string;
}

/** What a page's source holds that the book needs before the page is parsed. */
export interface SourceScan {
  fences: Fence[];
  /** mdBook `{{#include path[:lines]}}` (and `{{#playground path}}`) arguments, as written. */
  includes: string[];
}

/** The Mermaid diagrams among a page's fences, in order. */
export const diagramSources = (scan: SourceScan): string[] => scan.fences.filter((f) => f.lang === 'mermaid').map((f) => f.value);

const OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const INCLUDE = /\{\{#(?:include|rustdoc_include|playground)\s+([^}\s]+)[^}]*\}\}/g;

/**
 * The one pass over a page's source before it is parsed: its fenced blocks (which
 * diagrams to draw, which grammars to load) and its mdBook includes (files the page
 * depends on). Fences open at any indentation (list items nest them) and close as
 * micromark closes them; their lines lose the opening fence's indentation, as
 * micromark's do. A fence in a block quote is not seen: its grammar loads when the
 * page asks for it, and a Mermaid diagram there is drawn by the reader's browser.
 */
export function scanSource(text: string): SourceScan {
  const fences: Fence[] = [];
  const includes: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  const include = (line: string) => {
    if (line.includes('{{#')) for (const m of line.matchAll(INCLUDE)) includes.push(m[1]);
  };
  for (let i = 0; i < lines.length; i++) {
    include(lines[i]);
    const open = OPEN.exec(lines[i]);
    if (!open || (open[2][0] === '`' && open[3].includes('`'))) continue;
    const [, indent, fence, info] = open;
    const close = new RegExp(`^[ \\t]{0,${indent.length + 3}}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    const dedent = new RegExp(`^ {0,${indent.length}}`);
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]); i++) {
      include(lines[i]);
      body.push(lines[i].replace(dedent, ''));
    }
    fences.push({ lang: info.trim().split(/\s/)[0], value: body.join('\n') });
  }
  return { fences, includes };
}
