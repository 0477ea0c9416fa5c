import { toString } from 'hast-util-to-string';
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import type { VFile } from 'vfile';
import { visitElements } from './walk';

/** Drawings that count as figures: box-drawing text and Mermaid diagrams. */
const FIGURES = new Set(['ascii-figure', 'mermaid-figure']);
/** A number an author wrote into a title: "Figure 4 — Layers", "Figure 4: Layers". */
const WRITTEN_NUMBER = /^Figure\s+(\d+)\s*(?:[—–:.-]\s*)?/i;

const classes = (node: Element) => (node.properties?.className as string[] | undefined) ?? [];

/**
 * Numbers a page's figures in reading order, ASCII and Mermaid alike, and captions every one
 * ("Figure 3 — title"), so prose can refer to them and the dialog and screen readers can name them.
 * A number already written in a title is kept (the prose may cite it); one that disagrees with the
 * figure's place is reported, since a reader would look for the wrong figure.
 */
export default function rehypeFigureNumbers() {
  return (tree: Root, file: VFile) => {
    let n = 0;
    visitElements(tree, (node) => {
      if (node.tagName !== 'figure' || !classes(node).some((c) => FIGURES.has(c))) return;
      n++;
      let caption = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'figcaption');
      const title = caption ? toString(caption).trim() : '';
      const written = WRITTEN_NUMBER.exec(title);
      if (written && Number(written[1]) !== n) {
        file.message(`this figure's title says "Figure ${written[1]}" but it is figure ${n} on the page (counting ASCII and Mermaid figures); renumber the title and the prose that cites it`, {
          place: node.position?.start,
          ruleId: 'figure-number',
          source: 'drydock',
        });
      }
      const text = written ? title : title ? `Figure ${n} — ${title}` : `Figure ${n}`;
      if (!caption) node.children.push((caption = h('figcaption')));
      caption.children = [{ type: 'text', value: text }];
      node.properties.id ??= `figure-${n}`;
      // The drawing is named by its caption (the ASCII box is an image; the Mermaid one too, its steps follow it as a list).
      for (const c of node.children) if (c.type === 'element' && c.properties?.role === 'img') c.properties.ariaLabel = text;
    });
  };
}
