// The course this repository ships (chapters/, labs/), built and read in Chromium: the fixture
// tests (book.test.ts, book-reading.test.ts) prove each reading feature on small pages, but a real
// chapter has what a fixture lacks, such as twelve "In short" boxes with one title, or a word that
// is also part of other words. Issue 26's "Done when" on the book students read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBook } from '../../build/site/site';
import { launchChromium, serveSite } from '../support/book-site';
import { ROOT } from '../support/helpers';
import { tempDirs } from '../support/temp';

const require = createRequire(import.meta.url);
const CHAPTER = '01-containers-and-images.html';
let browser: Browser;
let origin: string;
let close: () => void;
let dir: string;
const temps = tempDirs();
const errors: string[] = [];

async function pageAt(width: number, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 812 : 900 }, colorScheme });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${width} ${colorScheme}: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`${width} ${colorScheme}: ${m.text()}`));
  return page;
}

beforeAll(async () => {
  dir = temps.make('drydock-real-book-');
  const r = await buildBook({ root: ROOT, out: join(dir, 'site'), cacheDir: join(dir, 'cache') });
  expect(r.problems).toEqual([]);
  ({ origin, close } = await serveSite(join(dir, 'site')));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  close?.();
  expect(temps.remove()).toEqual([]);
});

describe('the course\'s own book', () => {
  it('has no axe-core violation of any impact on the chapter, index, both labs and print, on a phone (dark) and a desktop (light)', async () => {
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const [width, scheme] of [[375, 'dark'], [1280, 'light']] as const) {
      const page = await pageAt(width, scheme);
      for (const path of [CHAPTER, 'index.html', 'labs/catalog-image.html', 'labs/reviews-image.html', 'print.html']) {
        await page.goto(`${origin}/${path}`);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const r = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run();
          return r.violations.map((v) => `${v.id} [${v.impact}] (${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')})`);
        });
        expect(violations, `${path} at ${width}px, ${scheme}`).toEqual([]);
      }
      await page.context().close();
    }
  });

  it('shows the searched word in every hit, for several words, at 375, 768, 1280 and 1920 px in both themes', async () => {
    for (const width of [375, 768, 1280, 1920]) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await pageAt(width, scheme);
        await page.goto(`${origin}/${CHAPTER}`);
        for (const word of ['cgroup', 'digest', 'SIGTERM', 'zombie']) {
          const where = `"${word}" at ${width}px, ${scheme}`;
          await page.locator('#search-input').fill(word);
          const hits = page.locator('#search-results a');
          // The list is rebuilt on each input: wait for this word's hits, not the last word's.
          await expect.poll(() => hits.first().locator('mark').first().textContent().catch(() => ''), { message: where, timeout: 5000 }).toMatch(new RegExp(word, 'i'));
          const shown = await hits.evaluateAll((as) => as.map((a) => ({ heading: a.querySelector('.hit-heading')?.textContent ?? '', snippet: a.querySelector('.hit-snippet')?.textContent ?? '' })));
          expect(shown.length, where).toBeGreaterThan(0);
          // The snippet shows the word; a hit on the section's title alone shows it there.
          const without = shown.filter((h) => !new RegExp(word, 'i').test(h.snippet) && !new RegExp(word, 'i').test(h.heading));
          expect(without, where).toEqual([]);
        }
        await page.context().close();
      }
    }
  });

  it('keeps the diagram inside the column and the page from scrolling sideways at 375, 768, 1280 and 1920 px in both themes', async () => {
    for (const width of [375, 768, 1280, 1920]) {
      for (const scheme of ['light', 'dark'] as const) {
        const where = `${width}px, ${scheme}`;
        const page = await pageAt(width, scheme);
        await page.goto(`${origin}/${CHAPTER}`);
        const m = await page.evaluate(() => {
          const fig = document.querySelector('.mermaid-figure')!;
          const svg = [...fig.querySelectorAll('svg')].find((s) => s.getBoundingClientRect().width > 0)!;
          const box = fig.querySelector('.mermaid-scroll')!;
          return { page: document.documentElement.scrollWidth, overflow: box.scrollWidth - box.clientWidth, svgRight: svg.getBoundingClientRect().right, column: document.querySelector('article')!.getBoundingClientRect().right };
        });
        expect(m.page, where).toBeLessThanOrEqual(width);
        expect(m.overflow, where).toBeLessThanOrEqual(0);
        expect(m.svgRight, where).toBeLessThanOrEqual(m.column + 1);
        await page.context().close();
      }
    }
  });

  it('logged no errors', () => {
    expect(errors).toEqual([]);
  });
});
