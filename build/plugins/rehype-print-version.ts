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
    /** Rewrites the element's own attributes; whether any changed. */
    const element = (node: Element): boolean => {
      const section = node.tagName === 'section';
      const light = isOnly(node, 'mermaid-light');
      if (!section && !light && !Object.keys(node.properties).some((key) => key === 'dataUrl' || key === 'data-url' || ID_ATTRIBUTES.has(key) || URL_ATTRIBUTES.has(key))) return false;
      const properties: Element['properties'] = {};
      let changed = false;
      for (const [key, value] of Object.entries(node.properties)) {
        if (key === 'dataUrl' || key === 'data-url') changed = true;
        else if (typeof value === 'string' && ID_ATTRIBUTES.has(key)) properties[key] = rewrite('id', value).value;
        else if (typeof value === 'string' && URL_ATTRIBUTES.has(key)) {
          const to = rewrite(key as 'href' | 'src', value);
          properties[key] = to.value;
          if (to.ref) properties.dataRef = ref(to.ref);
        } else properties[key] = value;
        changed ||= properties[key] !== value;
      }
      if (section) {
        // Plugins write `ariaLabel` or, through mdast's hProperties, `aria-label`.
        const key = 'ariaLabel' in properties ? 'ariaLabel' : 'aria-label';
        if (typeof properties[key] === 'string') {
          properties[key] = `${properties[key]} — ${file.data.title}`;
          changed = true;
        }
      }
      if (light) {
        properties.className = ['mermaid-paper'];
        changed = true;
      }
      node.properties = properties;
      return changed;
    };
    const RAW = /\s(id|aria-labelledby|aria-controls|href|src)="([^"]*)"/g;
    const raw = (html: string) =>
      html.replace(RAW, (_all, attribute: string, value: string) => {
        const to = rewrite(attribute === 'href' || attribute === 'src' ? attribute : 'id', value);
        return ` ${attribute}="${to.value}"${to.ref ? ` data-ref="${ref(to.ref)}"` : ''}`;
      });
    /** Rewrites a node and what it holds; whether any of it reads otherwise now. */
    const visit = (node: RootContent): boolean => {
      if (node.type === 'raw') {
        const value = raw(node.value);
        if (value === node.value) return false;
        node.value = value;
        return true;
      }
      if (node.type !== 'element') return false;
      // Both run: the element's own attributes, then its children's.
      const own = element(node);
      const kept = node.children.filter((c) => !(c.type === 'element' && isOnly(c, 'mermaid-dark')));
      let changed = kept.length !== node.children.length;
      node.children = kept;
      for (const child of kept) changed = visit(child) || changed;
      return own || changed;
    };
    // Which of the page's top-level blocks read otherwise in print: the others keep the HTML the page already has.
    file.data.printChanged = tree.children.map(visit);
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
    /** For each top-level node of the page's tree: whether its print version differs from the page's. */
    printChanged: boolean[];
  }
}
