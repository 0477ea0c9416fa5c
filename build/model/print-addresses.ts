import { posix } from 'node:path';

/** The anchor a page gets in the one-page version: its output path without `.html`, slashes as dashes. */
export const printSlug = (href: string) => href.replace(/\.html$/, '').replace(/\//g, '-');

/**
 * An address on the page at `pageHref` (an id, a link, an image source) as it reads in the
 * one-page version, where every page is a section: ids get the page's slug, links to a page
 * of the book (`pages`: their output paths) become links to its section (`ref`: that page,
 * whose title the link carries for paper), other relative addresses are taken from the site
 * root. Mermaid's own ids stay: they are unique per diagram already.
 */
export function printAddress(pageHref: string, pages: Set<string>, attribute: 'id' | 'href' | 'src', value: string): { value: string; ref?: string } {
  if (value.startsWith('mermaid-') || value.startsWith('#mermaid-')) return { value };
  const slug = printSlug(pageHref);
  if (attribute === 'id') return { value: `${slug}--${value}` };
  if (value.startsWith('#')) return { value: `#${slug}--${value.slice(1)}` };
  if (/^[a-z]+:|^\//.test(value)) return { value };
  const hash = value.indexOf('#');
  const path = hash < 0 ? value : value.slice(0, hash);
  const target = posix.normalize(posix.join(posix.dirname(pageHref), path));
  if (attribute === 'href' && pages.has(target)) return { value: `#${printSlug(target)}${hash < 0 ? '' : `--${value.slice(hash + 1)}`}`, ref: target };
  return { value: `${target}${hash < 0 ? '' : value.slice(hash)}` };
}

/** Marks where the title of a linked page goes in a page's print version (`data-ref`): titles are known once every page is rendered. */
export const refMark = (index: number) => `\uE000${index}\uE001`;

/** A page's print version with each `refMark(i)` replaced by `title(refs[i])`. */
export function fillRefs(html: string, refs: string[], title: (target: string) => string): string {
  if (refs.length === 0) return html;
  let out = '';
  let from = 0;
  for (let at = html.indexOf('\uE000'); at >= 0; at = html.indexOf('\uE000', from)) {
    const end = html.indexOf('\uE001', at);
    out += html.slice(from, at) + title(refs[Number(html.slice(at + 1, end))]);
    from = end + 1;
  }
  return out + html.slice(from);
}
