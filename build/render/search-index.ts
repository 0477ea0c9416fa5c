import type { RenderedPage } from './render';

/** One searchable section of a page: the prose under one heading. */
export interface SearchDoc {
  id: string;
  href: string;
  title: string;
  heading: string;
  /** The section's whole prose, indexed and stored: a result shows the passage that matched, wherever it is. */
  text: string;
}

/** The options the page's script must load the index with: the same fields the build indexed. */
// Not the page's title: every section of a page would match it, and show a passage without the word.
export const SEARCH_FIELDS = ['heading', 'text'];
export const SEARCH_STORED = ['href', 'title', 'heading', 'text'];

export function searchDocs(rendered: RenderedPage[]): SearchDoc[] {
  return rendered.flatMap((r) =>
    r.sections.map((s, i) => {
      const text = s.text.replace(/\s+/g, ' ').trim();
      return { id: `${r.page.href}#${i}`, href: s.id ? `${r.page.href}#${s.id}` : r.page.href, title: r.title, heading: s.heading || r.title, text };
    }),
  );
}

/**
 * Loads minisearch and returns the function that builds the prebuilt
 * full-text index, as the script the book's pages load. minisearch loads on
 * first use: with a helper thread, only that thread needs it.
 */
export async function loadSearchIndexer(): Promise<(docs: SearchDoc[]) => string> {
  const { default: MiniSearch } = await import('minisearch');
  return (docs) => {
    const ms = new MiniSearch({ fields: SEARCH_FIELDS, storeFields: SEARCH_STORED });
    ms.addAll(docs);
    // A script, not JSON: pages opened from file:// cannot fetch(), but they can load a script.
    return `window.DRYDOCK_SEARCH=${JSON.stringify(JSON.stringify(ms))};\nwindow.DRYDOCK_SEARCH_OPTIONS=${JSON.stringify({ fields: SEARCH_FIELDS, storeFields: SEARCH_STORED })};\n`;
  };
}
