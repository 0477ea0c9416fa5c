import { toString } from 'hast-util-to-string';
import type { Element } from 'hast';
import { h } from 'hastscript';

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
