import { h } from 'hastscript';
import type { Element } from 'hast';
import type { Code, Root } from 'mdast';
import { metaTitle, replaceWithFigure } from './figure-node';
import type { VFile } from 'vfile';
import type { MermaidResult } from '../model/book';
import { diagramOutline, type Step } from './mermaid-steps';
import { visitBlocks } from './walk';

export interface MermaidOptions {
  /** Rendered diagrams by source text, made before the pages are processed. */
  rendered: Map<string, MermaidResult>;
}

/** Mermaid's parse errors list every token it would have accepted (often 30): a few are enough. */
export function tidyMermaidError(error: string): string {
  return error
    .replace(/\s-+\^/, '')
    .replace(/Expecting ((?:'[^']*',?\s*)+), got/, (_m, list: string) => {
      const tokens = list.split(/,\s*/).filter(Boolean);
      return `Expecting ${tokens.slice(0, 4).join(', ')}${tokens.length > 4 ? ` or ${tokens.length - 4} more` : ''}, got`;
    });
}

/**
 * Sequence diagrams carry icon symbols (computer, database, clock: 14 KB of paths) whether
 * an actor uses them or not; a symbol nothing refers to is dropped.
 */
function withoutUnusedSymbols(svg: string): string {
  return svg.replace(/<defs><symbol id="([^"]+)"[^]*?<\/symbol><\/defs>/g, (all, id: string) => (svg.includes(`#${id}"`) ? all : ''));
}

/**
 * Mermaid draws at 100% of its container with its natural width as a maximum, so a wide
 * diagram shrinks until its labels are unreadable on a phone. The book keeps the natural
 * size (width and height from the drawing's own box) and lets the figure scroll instead.
 */
export function naturalSize(svg: string): string {
  svg = withoutUnusedSymbols(svg);
  const end = svg.indexOf('>');
  if (end < 0) return svg;
  const open = svg.slice(0, end);
  const box = /viewBox="([-\d.]+)[\s,]+([-\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)"/.exec(open);
  if (!box) return svg;
  const width = Number(box[3]);
  const height = Number(box[4]);
  const sized = open
    .replace(/\swidth="[^"]*"/, '')
    .replace(/\sheight="[^"]*"/, '')
    .replace(/max-width:\s*[\d.]+px;?\s*/, '')
    .replace(/\sstyle=""/, '');
  return `${sized} width="${Math.ceil(width)}" height="${Math.ceil(height)}"${svg.slice(end)}`;
}

/**
 * ```mermaid blocks become the inline SVG rendered at build time. A diagram
 * that could not be rendered (no browser, no cache) stays as source for the
 * client-side fallback, and the page is marked so it loads mermaid.
 */
export default function remarkMermaid(options: MermaidOptions) {
  // Each diagram is tidied once per processor (one per build and thread), however many pages show it.
  const tidied = new Map<string, string>();
  const tidy = (svg: string) => {
    let out = tidied.get(svg);
    if (out === undefined) tidied.set(svg, (out = naturalSize(svg)));
    return out;
  };
  return (tree: Root, file: VFile) => {
    visitBlocks<Code>(tree, 'code', (node, index, parent) => {
      if (node.lang !== 'mermaid') return;
      const result = options.rendered.get(node.value);
      const outline = diagramOutline(node.value);
      // Every diagram gets a caption (numbered later with the page's other figures): its title, else what it shows.
      const title = metaTitle(node.meta) ?? (outline ? `${outline.kind}: ${outline.parts.join(', ')}` : undefined);
      const caption = title ? [h('figcaption', title)] : [];
      if (result?.error) {
        // Mermaid counts lines from the diagram's first line, the one after the fence.
        const inDiagram = Number(/on line (\d+)/.exec(result.error)?.[1] ?? 0);
        const line = (node.position?.start.line ?? 1) + inDiagram;
        const place = { line, column: 1 };
        const msg = file.message(`invalid Mermaid diagram: ${tidyMermaidError(result.error)}`, { place, ruleId: 'mermaid', source: 'drydock' });
        msg.fatal = true;
        return;
      }
      if (result?.svg) {
        // Both drawings sit in the page; the stylesheet shows the one that matches the theme (no script needed).
        const drawing = (theme: string, svg: string) => h('div', { className: [`mermaid-${theme}`] }, [{ type: 'raw', value: tidy(svg) } as never]);
        // Drawn to fit the column; the zoom button (shown by the page's script) opens it larger in a dialog.
        replaceWithFigure(parent, index, node, 'mermaid-figure', [
          h('div', { className: ['mermaid-scroll'], role: 'img', 'aria-label': title ?? 'Diagram' }, [drawing('light', result.svg), ...(result.svgDark ? [drawing('dark', result.svgDark)] : [])]),
          h('div', { className: ['figure-bar'] }, [h('button', { type: 'button', className: ['open-full'], hidden: true }, 'Zoom')]),
          ...caption,
        ]);
        if (outline?.steps.length) parent.children.splice(index + 1, 0, stepsList(outline.steps));
        return;
      }
      file.data.needsClientMermaid = true;
      replaceWithFigure(parent, index, node, 'mermaid-figure', [h('pre', { className: ['mermaid'] }, node.value), ...caption]);
    });
  };
}

const stepItems = (steps: Step[]): Element[] => steps.map((s) => h('li', [s.text, ...(s.steps?.length ? [h('ol', stepItems(s.steps))] : [])]));

/** The diagram's text alternative under it: closed, so it costs no room until a reader wants it. */
function stepsList(steps: Step[]) {
  return {
    type: 'diagramSteps',
    data: { hName: 'details', hProperties: { className: ['diagram-steps'] }, hChildren: [h('summary', 'The diagram as a list'), h('ol', stepItems(steps))] },
  } as never;
}

declare module 'vfile' {
  interface DataMap {
    needsClientMermaid: boolean;
  }
}
