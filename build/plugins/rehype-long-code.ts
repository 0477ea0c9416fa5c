import { toString } from 'hast-util-to-string';
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
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

/** Long inline code wraps between its words only, so a phone's column never cuts a token (code blocks scroll instead). */
export default function rehypeLongCode() {
  return (tree: Root) => {
    visitElements(tree, (node, _index, parent) => {
      if (node.tagName !== 'code' || (parent as Element).tagName === 'pre') return;
      const text = toString(node);
      if (text.length <= LONG_CODE) return;
      node.properties.className = ['code-long'];
      node.children = unbreakableWords(text);
    });
  };
}
