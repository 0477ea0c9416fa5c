import type { Element, Root, RootContent } from 'hast';
import type { VFile } from 'vfile';
import { printAddress, refMark } from '../model/print-addresses';

export interface PrintVersionOptions {
  /** Output paths of the book's pages: a link to one becomes a link inside the one-page version. */
  pages: Set<string>;
}

const ID_ATTRIBUTES = new Set(['id', 'ariaLabelledBy', 'aria-labelledby', 'ariaControls', 'aria-controls']);
const URL_ATTRIBUTES = new Set(['href', 'src']);

/**
 * The page as it stands in the one-page version: ids made unique with the page's
 * slug, links between pages turned into links inside that page (with the linked
 * page's title for paper), the dark drawings of diagrams left out (paper is light),
 * landmarks named with the page's title (every chapter has "What you will be able
 * to do") and page addresses left out of the lab cards. Raw HTML the tree holds as
 * text (highlighted code, Mermaid's SVG, an author's inline HTML) gets the same
 * id and link rewriting on its markup.
 */
export default function rehypePrintVersion(options: PrintVersionOptions) {
  return (tree: Root, file: VFile) => {
    const page = file.data.page;
    if (!page) return;
    const refs: string[] = [];
    const rewrite = (attribute: 'id' | 'href' | 'src', value: string) => printAddress(page.href, options.pages, attribute, value);
    const ref = (target: string) => refMark(refs.push(target) - 1);
    const element = (node: Element) => {
      const properties: Element['properties'] = {};
      for (const [key, value] of Object.entries(node.properties)) {
        if (key === 'dataUrl' || key === 'data-url') continue;
        if (typeof value === 'string' && ID_ATTRIBUTES.has(key)) properties[key] = rewrite('id', value).value;
        else if (typeof value === 'string' && URL_ATTRIBUTES.has(key)) {
          const to = rewrite(key as 'href' | 'src', value);
          properties[key] = to.value;
          if (to.ref) properties.dataRef = ref(to.ref);
        } else properties[key] = value;
      }
      if (node.tagName === 'section') {
        // Plugins write `ariaLabel` or, through mdast's hProperties, `aria-label`.
        const key = 'ariaLabel' in properties ? 'ariaLabel' : 'aria-label';
        if (typeof properties[key] === 'string') properties[key] = `${properties[key]} — ${file.data.title}`;
      }
      if (isOnly(node, 'mermaid-light')) properties.className = ['mermaid-paper'];
      node.properties = properties;
    };
    const RAW = /\s(id|aria-labelledby|aria-controls|href|src)="([^"]*)"/g;
    const raw = (html: string) =>
      html.replace(RAW, (_all, attribute: string, value: string) => {
        const to = rewrite(attribute === 'href' || attribute === 'src' ? attribute : 'id', value);
        return ` ${attribute}="${to.value}"${to.ref ? ` data-ref="${ref(to.ref)}"` : ''}`;
      });
    const walk = (parent: Root | Element) => {
      const children: RootContent[] = [];
      for (const child of parent.children) {
        if (child.type === 'element') {
          if (isOnly(child, 'mermaid-dark')) continue;
          element(child);
          walk(child);
        } else if (child.type === 'raw') child.value = raw(child.value);
        children.push(child);
      }
      parent.children = children as never;
    };
    walk(tree);
    file.data.printRefs = refs;
  };
}

const isOnly = (node: Element, className: string) => {
  const c = node.properties.className;
  return node.tagName === 'div' && Array.isArray(c) && c.length === 1 && c[0] === className;
};

declare module 'vfile' {
  interface DataMap {
    /** Output paths of the pages the print version links to, by their `refMark`. */
    printRefs: string[];
  }
}
