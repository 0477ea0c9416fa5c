import { toString } from 'hast-util-to-string';
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { scrollableTable } from '../hast/scrollable-table';
import { visitElements } from './walk';

/** Characters beyond which an inline code span may wrap (about a third of a phone's line). */
const LONG_CODE = 24;
/** A single token longer than this may break after a `/`, `.`, `,`, `:` or `=` (paths, URLs, keys). */
const LONG_TOKEN = 28;

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
