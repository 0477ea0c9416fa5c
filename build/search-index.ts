import type { RenderedPage } from './render';

/** One searchable section of a page: the text under one heading. */
export interface SearchDoc {
  id: string;
  href: string;
  title: string;
  heading: string;
  text: string;
}

export function searchDocs(rendered: RenderedPage[]): SearchDoc[] {
  return rendered.flatMap((r) =>
    r.sections.map((s, i) => ({
      id: `${r.page.href}#${i}`,
      href: s.id ? `${r.page.href}#${s.id}` : r.page.href,
      title: r.title,
      heading: s.heading,
      text: s.text.replace(/\s+/g, ' ').trim(),
    })),
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
    const ms = new MiniSearch({ fields: ['title', 'heading', 'text'], storeFields: ['href', 'title', 'heading', 'text'] });
    ms.addAll(docs);
    // A script, not JSON: pages opened from file:// cannot fetch(), but they can load a script.
    return `window.DRYDOCK_SEARCH=${JSON.stringify(JSON.stringify(ms))};\n`;
  };
}
