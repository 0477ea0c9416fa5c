import { statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Element, Root, RootContent } from 'hast';
import type { VFile } from 'vfile';
import { allPages, publishedAssetPath, relativeHref, resolveLink, type Course, type SourcePage } from '../model/course';
import { authorError } from './problems';
import { decodePath } from '../../lib/paths';

export interface ChapterLinksOptions {
  course: Course;
}

/** A link to another page of the book, kept so anchors can be checked once every page is rendered. */
export interface InternalLink {
  target: SourcePage;
  anchor?: string;
  line?: number;
  column?: number;
}

type Resolved =
  | { kind: 'page'; target: SourcePage; href: string }
  | { kind: 'file'; source: string; href: string }
  | { kind: 'broken'; reason: string }
  | { kind: 'skip' };

const pagesByPath = new WeakMap<Course, Map<string, SourcePage>>();

/**
 * Where a link of a page leads, as VitePress, GitHub and mdBook read it: a
 * relative or root-relative (`/guide/intro`, from the content folder) path to a
 * page's `.md`, with or without the extension, or to a folder with an
 * index.md/README.md; or a file of the book (LICENSE, main.go) the site
 * copies. Other URLs are left as they are.
 */
export function resolveHref(course: Course, page: SourcePage, href: string): Resolved {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//') || href.startsWith('#')) return { kind: 'skip' };
  const [path] = href.split(/[?#]/, 1) as [string];
  const anchor = href.includes('#') ? href.slice(href.indexOf('#')) : '';
  if (path === '') return { kind: 'skip' };
  let pages = pagesByPath.get(course);
  if (!pages) pagesByPath.set(course, (pages = new Map(allPages(course).map((p) => [p.path, p]))));
  const decoded = decodePath(path);
  const rooted = decoded.startsWith('/');
  const toPage = (target: SourcePage): Resolved => ({ kind: 'page', target, href: relativeHref(page.href, target.href) + anchor });
  if (!rooted && /^(\.\.\/)*labs\/[^/.]+\/?$/.test(decoded)) {
    const target = resolveLink(course, page, decoded);
    return target ? toPage(target) : { kind: 'broken', reason: `broken link: ${href} (no such page in the book)` };
  }
  const source = posix.normalize(rooted ? posix.join(course.contentDir || '.', decoded.slice(1)) : posix.join(posix.dirname(page.path), decoded)).replace(/^\.\//, '');
  const folder = decoded.endsWith('/') || /(^|\/)\.{1,2}$/.test(decoded);
  const base = source.replace(/\/$/, '');
  const name = base.split('/').pop() ?? '';
  const ext = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase();
  const landing = (dir: string) => [`${dir}/index.md`, `${dir}/README.md`, `${dir}/readme.md`].map((p) => p.replace(/^(\.\/|\/)/, ''));
  let candidates: string[];
  if (folder) candidates = landing(base);
  else if (ext === 'md') candidates = [base];
  else if (ext === 'html') candidates = name.toLowerCase() === 'index.html' ? landing(posix.dirname(base)) : [base.replace(/\.html$/i, '.md')];
  else if (ext === undefined) candidates = [`${base}.md`, ...landing(base)];
  else candidates = [];
  const target = candidates.map((c) => pages.get(c)).find((p) => p !== undefined);
  if (target) return toPage(target);
  const abs = join(course.root, base);
  const inBook = !base.startsWith('..') && base !== '..';
  if (ext === 'md') return { kind: 'broken', reason: `broken link: ${href} (no such page in the book)` };
  if (ext === 'html') return { kind: 'skip' };
  const st = inBook ? statSync(abs, { throwIfNoEntry: false }) : undefined;
  if (st?.isFile()) return { kind: 'file', source: base, href: relativeHref(page.href, publishedAssetPath(base)) + anchor };
  // A missing file with another extension is the asset plugin's to report (a root-relative one, VitePress's public/, is left alone).
  if (ext !== undefined) return { kind: 'skip' };
  if (st?.isDirectory()) return { kind: 'broken', reason: `broken link: ${href} (the folder ${base}/ has no index.md or README.md page)` };
  return { kind: 'broken', reason: `broken link: ${href} (no such page or file in the book)` };
}

/** The start tags of a raw HTML chunk: name, and each attribute with where its value is in the chunk. */
export function startTags(html: string): { name: string; attrs: { name: string; value: string; start: number; end: number }[] }[] {
  const tags: ReturnType<typeof startTags> = [];
  let i = 0;
  const space = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
  while ((i = html.indexOf('<', i)) >= 0) {
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (!/[A-Za-z]/.test(html[i + 1] ?? '')) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < html.length && !space(html[j]) && html[j] !== '>' && html[j] !== '/') j++;
    const tag = { name: html.slice(i + 1, j).toLowerCase(), attrs: [] as { name: string; value: string; start: number; end: number }[] };
    while (j < html.length && html[j] !== '>') {
      if (space(html[j]) || html[j] === '/') {
        j++;
        continue;
      }
      const nameStart = j;
      while (j < html.length && !space(html[j]) && html[j] !== '>' && html[j] !== '=' && !(html[j] === '/' && html[j + 1] === '>')) j++;
      const attrName = html.slice(nameStart, j).toLowerCase();
      while (space(html[j])) j++;
      if (html[j] !== '=') {
        tag.attrs.push({ name: attrName, value: '', start: j, end: j });
        continue;
      }
      j++;
      while (space(html[j])) j++;
      const quote = html[j] === '"' || html[j] === "'" ? html[j] : undefined;
      const start = quote ? j + 1 : j;
      let end = start;
      if (quote) end = html.indexOf(quote, start) < 0 ? html.length : html.indexOf(quote, start);
      else while (end < html.length && !space(html[end]) && html[end] !== '>') end++;
      tag.attrs.push({ name: attrName, value: html.slice(start, end), start, end });
      j = quote ? end + 1 : end;
    }
    tags.push(tag);
    i = j + 1;
  }
  return tags;
}

const decodeEntities = (s: string) => s.replace(/&(amp|quot|#39|apos|lt|gt);/g, (_, e: string) => ({ amp: '&', quot: '"', '#39': "'", apos: "'", lt: '<', gt: '>' })[e] ?? '');

/**
 * Rewrites links to pages (`.md` with #anchors, VitePress's extensionless and
 * root-relative links, folders with an index.md or README.md) to the built
 * pages and records them, in Markdown and in raw HTML `<a href>` alike; a link
 * to a page or file that is not in the book is an error here, a missing anchor
 * is found by the build once all ids are known. A link to another file of the
 * book (LICENSE) is copied into the site with the page's other files.
 */
export default function rehypeChapterLinks(options: ChapterLinksOptions) {
  return (tree: Root, file: VFile) => {
    const page = file.data.page;
    if (!page) return;
    const links: InternalLink[] = [];
    const files: string[] = [];
    const use = (href: string, node: { position?: Element['position'] }, pos: { line?: number; column?: number }): string | undefined => {
      const anchor = href.includes('#') ? href.slice(href.indexOf('#') + 1) : undefined;
      if (href.startsWith('#')) {
        if (anchor) links.push({ target: page, anchor, ...pos });
        return undefined;
      }
      const r = resolveHref(options.course, page, href);
      if (r.kind === 'broken') authorError(file, { type: 'a', position: pos.line ? { start: { line: pos.line, column: pos.column ?? 1 }, end: { line: pos.line, column: pos.column ?? 1 } } : node.position } as never, r.reason, 'link');
      if (r.kind === 'page') links.push({ target: r.target, anchor, ...pos });
      if (r.kind === 'file') files.push(r.source);
      return r.kind === 'page' || r.kind === 'file' ? r.href : undefined;
    };
    const walk = (parent: { children: RootContent[] }) => {
      for (const node of parent.children) {
        if (node.type === 'element') {
          if (node.tagName === 'a' && typeof node.properties?.href === 'string') {
            const href = use(node.properties.href, node, { line: node.position?.start.line, column: node.position?.start.column });
            if (href !== undefined) {
              node.properties.href = href;
              // Done: the asset plugin leaves it alone.
              node.data = { ...node.data, linked: true } as Element['data'];
            }
          }
          walk(node);
        } else if (node.type === 'raw' && /<a[\s>]/i.test(node.value)) {
          // Raw HTML passes through as written: its <a href> are found by reading its start tags.
          let value = node.value;
          const edits: { start: number; end: number; text: string }[] = [];
          for (const tag of startTags(value)) {
            const attr = tag.name === 'a' ? tag.attrs.find((a) => a.name === 'href') : undefined;
            if (!attr) continue;
            const before = value.slice(0, attr.start).split('\n');
            const start = node.position?.start ?? { line: 1, column: 1 };
            const pos = { line: start.line + before.length - 1, column: before.length > 1 ? before[before.length - 1].length + 1 : start.column + before[0].length };
            const href = use(decodeEntities(attr.value), node, pos);
            if (href !== undefined) edits.push({ start: attr.start, end: attr.end, text: href.replace(/&/g, '&amp;') });
          }
          for (const e of edits.reverse()) value = value.slice(0, e.start) + e.text + value.slice(e.end);
          node.value = value;
        }
      }
    };
    walk(tree);
    file.data.links = links;
    file.data.linkedFiles = files;
  };
}

declare module 'vfile' {
  interface DataMap {
    links: InternalLink[];
    /** Files of the book (not pages) the page links to, by path from the root: copied into the site. */
    linkedFiles: string[];
  }
}
