import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const MERMAID_VERSION: string = require('mermaid/package.json').version;
export const MERMAID_THEME = 'neutral';
export const mermaidBundle = () => require.resolve('mermaid/dist/mermaid.min.js');

export interface MermaidResult {
  svg?: string;
  /** Mermaid's own parse message for an invalid diagram. */
  error?: string;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The browser for build-time rendering: DRYDOCK_CHROMIUM (a path, or `none` to build without one), else Debian's. */
export function chromiumPath(): string | undefined {
  if (process.env.DRYDOCK_CHROMIUM === 'none') return undefined;
  const candidates = [process.env.DRYDOCK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p): p is string => Boolean(p && existsSync(p)));
}

/** Cache key: the diagram, the mermaid version and the theme, so an upgrade re-renders. */
export function diagramKey(source: string): string {
  return createHash('sha256').update(`${MERMAID_VERSION}\0${MERMAID_THEME}\0${source}`).digest('hex').slice(0, 32);
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
  const missing: string[] = [];
  for (const src of new Set(sources)) {
    const cached = join(cacheDir, `${diagramKey(src)}.svg`);
    if (existsSync(cached)) out.set(src, { svg: readFileSync(cached, 'utf8') });
    else missing.push(src);
  }
  if (missing.length === 0) return out;
  const exe = chromiumPath();
  if (!exe) {
    warn(`${missing.length} Mermaid diagram(s) are not in ${cacheDir} and no Chromium was found: they will render in the reader's browser instead (install Debian's chromium to render them at build time)`);
    return out;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: mermaidBundle() });
    await page.evaluate((theme) => {
      (window as unknown as { mermaid: { initialize(o: object): void } }).mermaid.initialize({ startOnLoad: false, theme, securityLevel: 'strict', fontFamily: 'system-ui, sans-serif' });
    }, MERMAID_THEME);
    mkdirSync(cacheDir, { recursive: true });
    for (const src of missing) {
      const key = diagramKey(src);
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
        // Unique per diagram, so two diagrams on one page never share ids.
        { src, id: `mermaid-${key.slice(0, 12)}` },
      );
      if (result.svg) writeFileSync(join(cacheDir, `${key}.svg`), result.svg);
      out.set(src, result);
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** Mermaid sources in a page, found without a full parse so all diagrams can be rendered in one browser session first. */
export function mermaidSources(text: string): string[] {
  const out: string[] = [];
  const re = /^(\s*)(`{3,}|~{3,})mermaid[^\n]*\n([\s\S]*?)^\1\2\s*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[3].replace(/\n$/, ''));
  return out;
}
