import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { relativeHref, resolveLink, type Course, type SourcePage } from '../model/course';
import { authorError } from './problems';
import { visitElements } from './walk';

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

/**
 * Rewrites relative `.md` links (with #anchors) to the built pages and
 * records them; a link to a page that is not in the book is an error here,
 * a missing anchor is found by the build once all ids are known.
 */
export default function rehypeChapterLinks(options: ChapterLinksOptions) {
  return (tree: Root, file: VFile) => {
    const page = file.data.page;
    if (!page) return;
    const links: InternalLink[] = [];
    visitElements(tree, (node) => {
      if (node.tagName !== 'a' || typeof node.properties?.href !== 'string') return;
      const href = node.properties.href;
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return;
      const [path, anchor] = href.split('#', 2) as [string, string | undefined];
      const pos = { line: node.position?.start.line, column: node.position?.start.column };
      if (path === '') {
        if (anchor) links.push({ target: page, anchor, ...pos });
        return;
      }
      if (!/\.md$/i.test(path) && !/^(\.\.\/)*labs\/[^/.]+\/?$/.test(path)) return;
      const target = resolveLink(options.course, page, decodeURI(path));
      if (!target) {
        authorError(file, node, `broken link: ${href} (no such page in the book)`, 'link');
        return;
      }
      node.properties.href = relativeHref(page.href, target.href) + (anchor ? `#${anchor}` : '');
      links.push({ target, anchor, ...pos });
    });
    file.data.links = links;
  };
}

declare module 'vfile' {
  interface DataMap {
    links: InternalLink[];
  }
}
