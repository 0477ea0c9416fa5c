import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';

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

/** The page cut at its top-level h2 and h3 headings, each section's prose kept for the search index. */
export default function rehypeSearchSections() {
  return (tree: Root, file: VFile) => {
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
    file.data.sections = sections.filter((s) => s.text.trim() || s.heading);
  };
}

declare module 'vfile' {
  interface DataMap {
    sections: SearchSection[];
  }
}
