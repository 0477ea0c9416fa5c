import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Book, MermaidResult } from '../model/book';
import { diagramSources, scanSource } from '../model/source-scan';

const require = createRequire(import.meta.url);
const MERMAID_VERSION: string = require('mermaid/package.json').version;
export const MERMAID_THEME = 'neutral';
/** The theme of each diagram's second rendering, shown on dark pages. */
export const MERMAID_DARK_THEME = 'dark';
export const mermaidBundle = () => require.resolve('mermaid/dist/mermaid.min.js');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The browser for build-time rendering: DRYDOCK_CHROMIUM (a path, or `none` to build without one), else Debian's. */
export function chromiumPath(): string | undefined {
  if (process.env.DRYDOCK_CHROMIUM === 'none') return undefined;
  const candidates = [process.env.DRYDOCK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p): p is string => Boolean(p && existsSync(p)));
}

/** Cache key: the diagram, the mermaid version and the theme, so an upgrade re-renders. */
export function diagramKey(source: string, theme: string = MERMAID_THEME): string {
  return createHash('sha256').update(`${MERMAID_VERSION}\0${theme}\0${source}`).digest('hex').slice(0, 32);
}

/**
 * Renders Mermaid diagrams to SVG with the real mermaid package in headless
 * Chromium: one browser and one page for the whole build. Results are cached
 * by key in `cacheDir` (committed with the course), so a machine without a
 * browser builds the same book. Returns what it could render; a diagram
 * with neither browser nor cache is left out (the caller falls back).
 */
export async function renderMermaid(sources: string[], cacheDir: string, warn: (msg: string) => void): Promise<Map<string, MermaidResult>> {
  const out = new Map<string, MermaidResult>();
  // Each diagram is drawn twice, for light and for dark pages; both are cached.
  const missing: { src: string; theme: string }[] = [];
  for (const src of new Set(sources)) {
    const result: MermaidResult = {};
    for (const theme of [MERMAID_THEME, MERMAID_DARK_THEME]) {
      const cached = join(cacheDir, `${diagramKey(src, theme)}.svg`);
      if (existsSync(cached)) result[theme === MERMAID_THEME ? 'svg' : 'svgDark'] = readFileSync(cached, 'utf8');
      else missing.push({ src, theme });
    }
    if (result.svg) out.set(src, result);
  }
  if (missing.length === 0) return out;
  const exe = chromiumPath();
  if (!exe) {
    const light = missing.filter((m) => m.theme === MERMAID_THEME).length;
    if (light) warn(`${light} Mermaid diagram(s) are not in ${cacheDir} and no Chromium was found: they will render in the reader's browser instead (install Debian's chromium to render them at build time)`);
    return out;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: mermaidBundle() });
    mkdirSync(cacheDir, { recursive: true });
    for (const theme of [MERMAID_THEME, MERMAID_DARK_THEME]) {
      const todo = missing.filter((m) => m.theme === theme && !out.get(m.src)?.error);
      if (todo.length === 0) continue;
      await page.evaluate((theme) => {
        (window as unknown as { mermaid: { initialize(o: object): void } }).mermaid.initialize({ startOnLoad: false, theme, securityLevel: 'strict', fontFamily: 'system-ui, sans-serif' });
      }, theme);
      for (const { src } of todo) {
        const key = diagramKey(src, theme);
        const result = await page.evaluate(
          async ({ src, id }) => {
            const m = (window as unknown as { mermaid: { parse(s: string): Promise<unknown>; render(id: string, s: string): Promise<{ svg: string }> } }).mermaid;
            try {
              await m.parse(src);
              const { svg } = await m.render(id, src);
              return { svg };
            } catch (err) {
              return { error: String((err as Error)?.message ?? err).split('\n').slice(0, 4).join(' ') };
            }
          },
          // Unique per diagram and theme, so two diagrams (or the two drawings of one) never share ids.
          { src, id: `mermaid-${key.slice(0, 12)}` },
        );
        if (result.svg) writeFileSync(join(cacheDir, `${key}.svg`), result.svg);
        const entry = out.get(src) ?? {};
        if (theme === MERMAID_THEME) out.set(src, result.svg ? { ...entry, svg: result.svg } : { error: result.error });
        else if (result.svg && entry.svg) entry.svgDark = result.svg;
      }
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** Mermaid sources in a page's source, from the one scan of it. */
export function mermaidSources(text: string): string[] {
  return diagramSources(scanSource(text));
}

/** The Mermaid preprocessor: every diagram of the book drawn (or taken from `.mermaid-cache`) before any page is rendered. */
export const mermaidDiagrams = {
  name: 'mermaid',
  async run(book: Book, warn: (message: string) => void) {
    book.diagrams = await renderMermaid(book.pages.flatMap((p) => diagramSources(p.scan)), join(book.root, '.mermaid-cache'), warn);
  },
};
