import type { RenderedPage } from './render';

/** One searchable section of a page: the text under one heading. */
export interface SearchDoc {
  id: string;
  href: string;
  title: string;
  heading: string;
  text: string;
  /** The start of the text, stored for result snippets (the whole text is indexed, not stored). */
  snippet: string;
}

/** Characters of each section kept for result snippets: a few lines, so the index stays small. */
export const SNIPPET_CHARS = 480;
const snippetOf = (text: string) => (text.length > SNIPPET_CHARS ? `${text.slice(0, text.lastIndexOf(' ', SNIPPET_CHARS) + 1 || SNIPPET_CHARS)}…` : text);

export function searchDocs(rendered: RenderedPage[]): SearchDoc[] {
  return rendered.flatMap((r) =>
    r.sections.map((s, i) => {
      const text = s.text.replace(/\s+/g, ' ').trim();
      return { id: `${r.page.href}#${i}`, href: s.id ? `${r.page.href}#${s.id}` : r.page.href, title: r.title, heading: s.heading, text, snippet: snippetOf(text) };
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
    const ms = new MiniSearch({ fields: ['title', 'heading', 'text'], storeFields: ['href', 'title', 'heading', 'snippet'] });
    ms.addAll(docs);
    // A script, not JSON: pages opened from file:// cannot fetch(), but they can load a script.
    return `window.DRYDOCK_SEARCH=${JSON.stringify(JSON.stringify(ms))};\n`;
  };
}
