import { toString } from 'hast-util-to-string';
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { visitElements } from './walk';

/** Characters beyond which an inline code span may wrap (about a third of a phone's line). */
const LONG_CODE = 24;
/** A single token longer than this may break after a `/`, `.`, `,`, `:` or `=` (paths, URLs, keys). */
const LONG_TOKEN = 28;

/**
 * A table in a box that scrolls sideways, with the cue under it (its words come from the
 * stylesheet, so they stay out of search and print). The box takes focus so a keyboard can scroll it;
 * the page's script drops that when the table fits.
 */
export function scrollableTable(table: Element, label = tableLabel(table)): Element {
  return h('div', { className: ['table-scroll'] }, [
    // A group, not a region: a page's tables are not landmarks (and could share a name).
    h('div', { className: ['scroll-x'], role: 'group', tabIndex: 0, 'aria-label': label }, [table]),
    h('p', { className: ['scroll-hint'] }),
  ]);
}

/** A table named by its column headings ("Table: Part, Job"), for the box a keyboard focuses to scroll it. */
function tableLabel(table: Element): string {
  const heads: string[] = [];
  const find = (node: Element) => {
    for (const c of node.children) if (c.type === 'element' && heads.length < 6) (c.tagName === 'th' ? heads.push(toString(c).trim()) : find(c));
  };
  find(table);
  return heads.length ? `Table: ${heads.join(', ')}` : 'Table';
}

/**
 * The pieces of a long inline code span: words that never break inside (no `memory.limit_in_by|tes`,
 * no `"-|c"`), with break opportunities only between words and inside very long paths.
 */
function unbreakableWords(text: string): ElementContent[] {
  const out: ElementContent[] = [];
  for (const part of text.split(/(\s+)/)) {
    if (!part) continue;
    if (/^\s+$/.test(part)) {
      out.push({ type: 'text', value: part });
      continue;
    }
    const chunks = part.length > LONG_TOKEN ? part.split(/(?<=[/.,:=])/) : [part];
    chunks.forEach((chunk, i) => {
      if (i) out.push(h('wbr'));
      out.push(h('span', { className: ['nobr'] }, chunk));
    });
  }
  return out;
}

/**
 * Wide content that must fit a phone's column without cutting tokens: tables scroll in their
 * own box with a cue; long inline code wraps between words only (a table cell keeps it whole
 * and the table scrolls).
 */
export default function rehypeWideContent() {
  return (tree: Root) => {
    visitElements(tree, (node, index, parent) => {
      if (node.tagName === 'table' && !classes(parent).includes('scroll-x')) {
        parent.children[index] = scrollableTable(node);
        return;
      }
      if (node.tagName !== 'code' || (parent as Element).tagName === 'pre') return;
      const text = toString(node);
      if (text.length <= LONG_CODE) return;
      node.properties.className = ['code-long'];
      node.children = unbreakableWords(text);
    });
  };
}

const classes = (node: Root | Element) => (node.type === 'element' ? ((node.properties?.className as string[] | undefined) ?? []) : []);
