import type { Element, Root } from 'hast';
import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { VFile } from 'vfile';
import { publishedAssetPath, relativeHref } from '../model/course';
import { authorError } from './problems';
import { visitElements } from './walk';
import { decodePath } from '../../lib/paths';

export interface LocalAssetsOptions {
  /** The course folder; sources are resolved against it. */
  root: string;
}

/**
 * Images and downloads next to the chapters (`![](img/flow.png)`,
 * `[notes](files/notes.pdf)`) are checked to exist, recorded for copying
 * into the site, and their URLs rewritten to the published copy. A missing
 * file fails the build with its line.
 */
export default function rehypeLocalAssets(options: LocalAssetsOptions) {
  return (tree: Root, file: VFile) => {
    const page = file.data.page;
    if (!page) return;
    const assets = new Set<string>();
    visitElements(tree, (node) => {
      const attr = node.tagName === 'img' ? 'src' : node.tagName === 'a' ? 'href' : undefined;
      const url = attr ? node.properties?.[attr] : undefined;
      if (!attr || typeof url !== 'string' || url === '' || url.startsWith('#') || url.startsWith('/')) return;
      // A link the link plugin resolved (to a page, or to a file it records for copying).
      if ((node.data as { linked?: boolean } | undefined)?.linked) return;
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return;
      const path = decodePath(url.split('#')[0].split('?')[0]);
      // Links to pages are the link checker's business; pages are built, not copied.
      if (node.tagName === 'a' && (/\.(md|html)$/i.test(path) || /^(\.\.\/)*labs\/[^/.]+\/?$/.test(path) || !/\.\w+$/.test(path))) return;
      const source = posix.normalize(posix.join(posix.dirname(page.path), path));
      if (source.startsWith('..') || !existsSync(join(options.root, source)) || !statSync(join(options.root, source)).isFile()) {
        authorError(file, node, `missing file: ${url} (looked for ${source})`, 'asset');
        return;
      }
      assets.add(source);
      node.properties[attr] = relativeHref(page.href, publishedAssetPath(source));
    });
    for (const f of file.data.linkedFiles ?? []) assets.add(f);
    file.data.assets = [...assets];
  };
}

declare module 'vfile' {
  interface DataMap {
    assets: string[];
  }
}
