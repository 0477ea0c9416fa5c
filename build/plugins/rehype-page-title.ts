import { toString } from 'hast-util-to-string';
import type { Root } from 'hast';
import type { VFile } from 'vfile';
import { titleOfName } from '../model/course-model';
import { visitElements } from './walk';

/** A page's title from its file name (`advanced.md` → `Advanced`); an index.md or README.md is titled by its folder. */
function titleOfPath(path: string): string {
  const parts = path.split('/');
  const name = parts[parts.length - 1];
  return /^(index|readme)\.md$/i.test(name) && parts.length > 1 ? titleOfName(parts[parts.length - 2]) : titleOfName(name);
}

/**
 * Before the anchors: the page's title, as mdBook titles a page: its front matter's
 * `title`, an mdBook `{{#title}}`, its SUMMARY.md entry, else its first `#` heading,
 * else the lab's id or the file's name (`advanced.md` → Advanced).
 */
export default function rehypePageTitle() {
  return (tree: Root, file: VFile) => {
    let h1: string | undefined;
    visitElements(tree, (node) => {
      if (h1 === undefined && node.tagName === 'h1') h1 = toString(node);
    });
    const page = file.data.page;
    file.data.title = file.data.matter?.title ?? file.data.pageTitle ?? page?.navTitle ?? h1 ?? page?.labId ?? (page ? titleOfPath(page.path) : file.path);
  };
}

declare module 'vfile' {
  interface DataMap {
    title: string;
  }
}
