import { toString } from 'hast-util-to-string';
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { visitElements } from './walk';

export interface TocEntry {
  depth: number;
  id: string;
  text: string;
}

/** A slice of the page for the search index: the text under one heading. */
export interface SearchSection {
  id: string;
  heading: string;
  text: string;
}

const classes = (node: Element) => (node.properties?.className as string[] | undefined) ?? [];

/** What search leaves out: code, drawings, buttons, labels and cues; it indexes the prose a reader reads. */
const NOT_PROSE = new Set(['code-block', 'ascii-figure', 'mermaid-scroll', 'figure-bar', 'scroll-hint', 'anchor', 'answer-key', 'code-head']);
const SKIPPED_TAGS = new Set(['button', 'script', 'style', 'pre', 'svg', 'input']);
/** Elements that end a run of words: their text is kept apart from the next block's. */
const BLOCKS = /^(p|li|dt|dd|td|th|tr|h[1-6]|div|section|figcaption|blockquote|summary|details|ol|ul|table|br|figure)$/;

/** Text for search: the prose a reader reads, a space between blocks so words never run together. */
function searchText(node: Root['children'][number]): string {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element') return '';
  if (SKIPPED_TAGS.has(node.tagName) || classes(node).some((c) => NOT_PROSE.has(c))) return '';
  let out = '';
  for (const c of node.children) out += searchText(c as Root['children'][number]);
  return BLOCKS.test(node.tagName) ? ` ${out} ` : out;
}

const isHeading = (n: Element) => /^h[1-6]$/.test(n.tagName);

/**
 * After rehype-slug: gives each heading a visible anchor link, records the
 * ids (for link checking), the h2/h3 table of contents and the text of
 * each section for search.
 */
export default function rehypeHeadingAnchors() {
  return (tree: Root, file: VFile) => {
    const ids = new Set<string>();
    const toc: TocEntry[] = [];
    visitElements(tree, (node, _i, parent) => {
      // A task list's checkbox is named by its item's text.
      if (node.tagName === 'input' && node.properties?.type === 'checkbox' && !node.properties.ariaLabel) {
        node.properties.ariaLabel = toString(parent as Element).trim().slice(0, 120) || 'Done';
        return;
      }
      const id = node.properties?.id;
      if (typeof id === 'string') ids.add(id);
      if (!isHeading(node) || typeof id !== 'string') return;
      const depth = Number(node.tagName[1]);
      const inKey = parent && 'properties' in parent && String((parent as Element).properties?.className ?? '').includes('answer-key');
      if ((depth === 2 || depth === 3) && !inKey) toc.push({ depth, id, text: toString(node) });
      node.children.push({ type: 'element', tagName: 'a', properties: { className: ['anchor'], href: `#${id}`, 'aria-label': `Link to this section` }, children: [{ type: 'text', value: '#' }] });
    });
    const sections: SearchSection[] = [];
    let current: SearchSection = { id: '', heading: '', text: '' };
    for (const child of tree.children) {
      if (child.type === 'element' && (child.tagName === 'h2' || child.tagName === 'h3') && typeof child.properties?.id === 'string') {
        sections.push(current);
        current = { id: child.properties.id, heading: searchText(child).trim(), text: '' };
      } else if (child.type === 'element') {
        current.text += searchText(child);
      }
    }
    sections.push(current);
    file.data.ids = ids;
    file.data.toc = toc;
    file.data.sections = sections.filter((s) => s.text.trim() || s.heading);
  };
}

declare module 'vfile' {
  interface DataMap {
    ids: Set<string>;
    toc: TocEntry[];
    sections: SearchSection[];
  }
}
