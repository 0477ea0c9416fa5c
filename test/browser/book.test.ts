// The built fixture course opened in real Chromium (Debian's, through playwright-core).
import { readFileSync, cpSync, rmSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMermaid } from '../../build/preprocess/mermaid';
import { buildBook } from '../../build/site/site';
import { openBookSite, siteRoot } from '../support/book-site';
import { ROOT } from '../support/helpers';
import { tempDirs } from '../support/temp';

const require = createRequire(import.meta.url);
let browser: Browser;
let origin: string;
let site: string;
const outside: string[] = [];
const consoleErrors: string[] = [];

async function open(path: string, opts: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScriptEnabled ?? true });
  const page = await context.newPage();
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('file://') && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
  });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${path}: ${m.text()}`));
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  await page.goto(path.startsWith('file://') ? path : `${origin}/${path}`);
  return page;
}

const WIDTHS = [1366, 1024, 800, 390];

/** A page at one width and colour scheme, watched like `open`'s (requests, console). */
async function openAt(width: number, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 }, colorScheme });
  const page = await context.newPage();
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
  });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${width}px: ${m.text()}`));
  page.on('pageerror', (e) => consoleErrors.push(`${width}px: ${e.message}`));
  return page;
}

let closeSite: (() => Promise<string[]>) | undefined;
/** The folders the tests below make in /tmp (drydock-mermaid-*, drydock-nobrowser-*), removed in afterAll. */
const temps = tempDirs();

beforeAll(async () => {
  ({ site, origin, browser, close: closeSite } = await openBookSite());
});

afterAll(async () => {
  const root = site && siteRoot(site);
  // Every folder made here is gone afterwards, the fixture site's drydock-e2e-* too.
  expect([...((await closeSite?.()) ?? []), ...temps.remove()]).toEqual([]);
  if (root) expect(existsSync(root), root).toBe(false);
});

describe('build-time Mermaid', () => {
  it('rendered the diagram into the cache folder, and rejects an invalid one with mermaid\'s message', async () => {
    // One drawing for light pages and one for dark pages.
    expect(readdirSync(join(site, '..', '.mermaid-cache')).filter((f) => f.endsWith('.svg'))).toHaveLength(2);
    const cache = temps.make('drydock-mermaid-');
    const r = await renderMermaid(['sequenceDiagram\n  A->>: missing target'], cache, () => {});
    expect([...r.values()][0].error).toMatch(/Parse error|Expecting/);
    expect(readdirSync(cache)).toEqual([]);
  });
});

describe('without a browser at build time', () => {
  it('warns, and renders the diagram in the reader\'s browser, loading mermaid only where needed', async () => {
    const root = temps.make('drydock-nobrowser-');
    cpSync(join(ROOT, 'test/fixtures/course'), root, { recursive: true });
    rmSync(join(root, '.mermaid-cache'), { recursive: true, force: true });
    const warnings: string[] = [];
    process.env.DRYDOCK_CHROMIUM = 'none';
    try {
      const r = await buildBook({ root, out: join(root, 'site'), cacheDir: join(root, '.cache'), warn: (w) => warnings.push(w) });
      expect(r.ok).toBe(true);
    } finally {
      delete process.env.DRYDOCK_CHROMIUM;
    }
    expect(warnings.join('\n')).toMatch(/1 Mermaid diagram\(s\) .* no Chromium was found/);
    expect(readFileSync(join(root, 'site/01-harbour.html'), 'utf8')).toContain('assets/mermaid.min.js');
    expect(readFileSync(join(root, 'site/02-tides.html'), 'utf8')).not.toContain('mermaid.min.js');
    const page = await open(`file://${join(root, 'site/01-harbour.html')}`);
    await page.locator('figure.mermaid-figure svg').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('figure.mermaid-figure svg').first().textContent()).toContain('Lamp signal');
  });
});

describe('a chapter in Chromium', () => {
  it('keeps answer drawers closed until clicked', async () => {
    const page = await open('01-harbour.html');
    const drawer = page.locator('details.drawer').first();
    expect(await drawer.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    expect(await page.locator('details.drawer .drawer-body').first().isVisible()).toBe(false);
    await drawer.locator('summary').click();
    expect(await drawer.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    expect(await page.locator('details.drawer .drawer-body').first().isVisible()).toBe(true);
    expect(await page.locator('details.drawer .drawer-body').first().textContent()).toContain('logbook');
  });

  it('opens drawers without JavaScript too', async () => {
    const page = await open('01-harbour.html', { javaScriptEnabled: false });
    const drawer = page.locator('details.drawer').first();
    await drawer.locator('summary').click();
    expect(await drawer.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
  });

  it('shows the Mermaid diagram as an inline SVG with the messages', async () => {
    const page = await open('01-harbour.html');
    expect(await page.locator('figure.mermaid-figure .mermaid-dark svg').count()).toBe(1);
    const svg = page.locator('figure.mermaid-figure .mermaid-light svg');
    expect(await svg.count()).toBe(1);
    const text = await svg.textContent();
    expect(text).toContain('Lamp signal');
    expect(text).toContain('Horn reply');
    expect(await page.locator('script[src*="mermaid"]').count()).toBe(0);
  });

  it('renders every ASCII line with the same width per character, so box lines join', async () => {
    const page = await open('01-harbour.html');
    const widths = await page.locator('pre.ascii').first().evaluate((pre) => {
      const text = pre.textContent!;
      const node = pre.firstChild!;
      const out: { chars: number; width: number; height: number }[] = [];
      let start = 0;
      for (const line of text.split('\n')) {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + line.length);
        const rect = range.getBoundingClientRect();
        if (line.length) out.push({ chars: [...line].length, width: rect.width, height: rect.height });
        start += line.length + 1;
      }
      return out;
    });
    expect(widths.length).toBe(6);
    const perChar = widths.map((w) => w.width / w.chars);
    for (const p of perChar) expect(Math.abs(p - perChar[0])).toBeLessThan(0.01);
    // The box rows have the same number of columns and so the same rendered width.
    const full = widths.filter((w) => w.chars === widths[0].chars);
    expect(full.length).toBeGreaterThanOrEqual(3);
    for (const w of full) expect(Math.abs(w.width - full[0].width)).toBeLessThan(0.5);
  });

  it('finds a chapter word with the offline search, over http and from file://', async () => {
    for (const url of ['01-harbour.html', `file://${join(site, '02-tides.html')}`]) {
      const page = await open(url);
      await page.fill('#search-input', 'lighthouse');
      const hit = page.locator('#search-results a').first();
      await hit.waitFor();
      expect(await hit.getAttribute('href')).toMatch(/01-harbour\.html/);
    }
  });

  it('toggles dark mode and remembers it', async () => {
    const page = await open('02-tides.html');
    await page.click('.theme-toggle');
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(['dark', 'light']).toContain(theme);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe(theme === 'dark' ? 'rgb(20, 24, 29)' : 'rgb(255, 255, 255)');
  });

  it('has no serious or critical axe-core violations on any page, in both themes', async () => {
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const [width, scheme] of [[1366, 'light'], [390, 'dark']] as const) {
      const page = await openAt(width, scheme);
      for (const path of ['index.html', '01-harbour.html', '02-tides.html', 'labs/demo-lab.html', 'print.html']) {
        await page.goto(`${origin}/${path}`);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const r = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run();
          return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')})`);
        });
        expect(violations, `${path} at ${width}px, ${scheme}`).toEqual([]);
      }
      await page.context().close();
    }
  });

  it('prints answers in an answer key instead of drawers', async () => {
    const page = await open('01-harbour.html');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('details.drawer').first().isVisible()).toBe(false);
    expect(await page.locator('.answer-key').isVisible()).toBe(true);
    expect(await page.locator('.answer-key').textContent()).toContain('logbook');
    expect(await page.locator('.sidebar').isVisible()).toBe(false);
  });

  it('fits a phone screen: no sideways scrolling of the page, the diagram scrolls in its own box', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${origin}/01-harbour.html`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await page.locator('.ascii-scroll').first().evaluate((e) => getComputedStyle(e).overflowX)).toBe('auto');
    await context.close();
  });

  it('reads at 1366, 1024, 800 and 390 px in both themes: no sideways page scroll, Previous/Next on every page, dark diagrams on dark pages', async () => {
    const pages = ['index.html', '01-harbour.html', 'labs/demo-lab.html', '02-tides.html'];
    for (const width of WIDTHS) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await openAt(width, colorScheme);
        for (const path of pages) {
          await page.goto(`${origin}/${path}`);
          const where = `${path} at ${width}px, ${colorScheme}`;
          expect(await page.evaluate(() => document.documentElement.scrollWidth), where).toBeLessThanOrEqual(width);
          const pager = await page.locator('.pager a').evaluateAll((as) => as.map((a) => a.getAttribute('rel')));
          expect(pager.length, where).toBeGreaterThan(0);
          if (path !== 'index.html') expect(pager, where).toContain('prev');
          // The header stays on top with search and the theme toggle, without covering the content.
          expect(await page.locator('.topbar').isVisible(), where).toBe(true);
          expect(await page.locator('#search-input').isVisible(), where).toBe(true);
          const toggle = await page.locator('.theme-toggle').boundingBox();
          const header = await page.locator('.topbar').boundingBox();
          expect(toggle!.y + toggle!.height, where).toBeLessThanOrEqual(header!.y + header!.height);
          // The main column keeps a right gutter at tablet widths.
          const main = await page.locator('main').boundingBox();
          expect(main!.x + main!.width, where).toBeLessThanOrEqual(width - (width >= 800 && width <= 1024 ? 24 : 12));
        }
        await page.goto(`${origin}/01-harbour.html`);
        const shown = colorScheme === 'dark' ? '.mermaid-dark' : '.mermaid-light';
        const hidden = colorScheme === 'dark' ? '.mermaid-light' : '.mermaid-dark';
        expect(await page.locator(`${shown} svg`).isVisible()).toBe(true);
        expect(await page.locator(`${hidden} svg`).isVisible()).toBe(false);
        const [cardBg, pageBg] = await page.evaluate(() => [getComputedStyle(document.querySelector('.mermaid-scroll')!).backgroundColor, getComputedStyle(document.body).backgroundColor]);
        expect(cardBg).toBe(pageBg);
        // Inline code is a chip (a background unlike the page's) that never wraps.
        const chip = await page.locator('article :not(pre) > code').first().evaluate((c) => [getComputedStyle(c).backgroundColor, getComputedStyle(c).whiteSpace]);
        expect(chip[0]).not.toBe(pageBg);
        expect(chip[1]).toBe('nowrap');
        await page.context().close();
      }
    }
  });

  it('fits a diagram to a phone\'s column and opens it full size', async () => {
    const page = await openAt(390, 'light');
    await page.goto(`${origin}/01-harbour.html`);
    const sizes = await page.locator('.mermaid-light svg').evaluate((svg: SVGSVGElement) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    });
    expect(sizes.length).toBeGreaterThan(3);
    // This small diagram stays legible fitted to the column (book-reading.test.ts zooms a wide one).
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(10);
    const box = page.locator('.mermaid-scroll');
    expect(await box.evaluate((b) => b.scrollWidth <= b.clientWidth)).toBe(true);
    await page.click('.mermaid-figure .open-full');
    const dialog = page.locator('dialog.figure-dialog');
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.locator('svg').textContent()).toContain('Lamp signal');
    await page.keyboard.press('Escape');
    // The dialog is removed on its close event, a task after the key: wait for it (or fail after 5 s).
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    expect(await dialog.count()).toBe(0);
    // ASCII figures: no wider than their text, with a cue when they do not fit.
    const ascii = await page.locator('.ascii-scroll').evaluate((b) => [b.getBoundingClientRect().width, b.querySelector('pre')!.getBoundingClientRect().width]);
    expect(ascii[0] - ascii[1]).toBeLessThan(4);
    await page.context().close();
  });

  it('opens the chapters from a menu on a phone, with and without JavaScript, under a header that stays on top', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${origin}/01-harbour.html`);
      // The first screen shows the chapter, not the list of chapters.
      expect(await page.locator('.sidebar').isVisible()).toBe(false);
      expect((await page.locator('h1').boundingBox())!.y).toBeLessThan(150);
      await page.click('.menu');
      const sidebar = page.locator('.sidebar');
      await expect.poll(async () => (await sidebar.boundingBox())?.x).toBe(0);
      expect(await sidebar.isVisible()).toBe(true);
      await page.locator('.sidebar a', { hasText: 'Tides' }).click();
      await page.waitForURL(/02-tides\.html/);
      await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
      expect((await page.locator('.topbar').boundingBox())!.y).toBe(0);
      expect(await page.locator('.menu').isVisible()).toBe(true);
      await context.close();
    }
  });

  it('highlights the section in view in the on-page contents, to the end of the page', async () => {
    const page = await openAt(1920, 'light');
    await page.goto(`${origin}/01-harbour.html`);
    const current = () => page.locator('.toc a[aria-current="true"]').textContent();
    await expect.poll(current).toBe('Quays and cranes');
    await page.evaluate(() => document.getElementById('signals')!.scrollIntoView());
    await expect.poll(current).toBe('Signals');
    await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await expect.poll(current).toBe('Signals');
    const toc = await page.locator('.toc').boundingBox();
    expect(toc!.y).toBeGreaterThanOrEqual(0);
    expect(toc!.y).toBeLessThan(900);
    await page.context().close();
  });

  it('answers a quiz right and wrong, keeps the score in this browser, and reads without JavaScript', async () => {
    const page = await openAt(1024, 'light');
    await page.goto(`${origin}/02-tides.html`);
    const quiz1 = page.locator('#quiz-1');
    await quiz1.locator('.quiz-option', { hasText: '12:00' }).click();
    expect(await quiz1.locator('.quiz-feedback').getAttribute('data-verdict')).toBe('wrong');
    expect(await quiz1.locator('.quiz-feedback').textContent()).toContain('low water');
    await quiz1.locator('.quiz-option', { hasText: '18:00' }).click();
    expect(await quiz1.locator('.quiz-feedback').getAttribute('data-verdict')).toBe('right');
    expect(await quiz1.locator('.quiz-feedback').textContent()).toContain('twelve hours');
    await page.locator('#quiz-2 .quiz-option', { hasText: 'stern' }).click();
    expect(await page.locator('#quiz-2 .quiz-feedback').getAttribute('data-verdict')).toBe('right');
    // The first answer to each quiz counts: one wrong, one right.
    expect(await page.locator('#quiz-2 .quiz-score').textContent()).toContain('1 of 2 right');
    await page.reload();
    expect(await page.locator('#quiz-1 .quiz-score').textContent()).toContain('1 of 2 right');
    expect(await page.locator('#quiz-1 details.drawer').isVisible()).toBe(false);
    await page.context().close();

    const plain = await open('02-tides.html', { javaScriptEnabled: false });
    expect(await plain.locator('#quiz-1 .quiz-options li').count()).toBe(3);
    expect(await plain.locator('#quiz-1 .quiz-option').count()).toBe(0);
    const drawer = plain.locator('#quiz-1 details.drawer');
    expect(await drawer.isVisible()).toBe(true);
    expect(await drawer.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    // Checklists show a checkbox and no bullet.
    expect(await plain.locator('ul.contains-task-list').evaluate((u) => getComputedStyle(u).listStyleType)).toBe('none');
  });

  it('searches with snippets and highlighted words, from the keyboard', async () => {
    const page = await open('02-tides.html');
    await page.locator('body').press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await page.locator('h1').click();
    await page.keyboard.press('Control+k');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await page.keyboard.type('lighthouse');
    const first = page.locator('#search-results a').first();
    await first.waitFor();
    expect(await first.locator('mark').first().textContent()).toMatch(/lighthouse/i);
    expect(await first.locator('.hit-snippet').textContent()).toMatch(/keeper/);
    await page.keyboard.press('ArrowDown');
    expect(await first.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForURL(/01-harbour\.html/);
  });

  it('prints the one-page version: margins, summary boxes, the introduction, handouts, answers numbered like their questions', async () => {
    const page = await open('print.html');
    expect(await page.locator('.print-back a').getAttribute('href')).toBe('index.html');
    const screen = await page.locator('main').boundingBox();
    expect(screen!.width).toBeLessThanOrEqual(44 * 16);
    await page.emulateMedia({ media: 'print' });
    const margins = await page.evaluate(() => {
      for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) if (rule instanceof CSSPageRule) return [rule.style.marginTop, rule.style.marginLeft];
      return [];
    });
    expect(margins).toEqual(['18mm', '16mm']);
    expect(await page.locator('.print-intro').textContent()).toContain('Welcome to the fixture course');
    expect(await page.locator('.print-chapter .chapter-header').first().isVisible()).toBe(true);
    expect(await page.locator('.print-lab').textContent()).toContain('Tie the bow line');
    expect(await page.locator('.print-lab .lab-checks').count()).toBe(1);
    expect(await page.locator('.lab-card-title a').evaluate((a) => getComputedStyle(a, '::after').content)).toContain('see “Dock a ship”');
    const labels = await page.locator('.answer-key .key-label').allTextContents();
    expect(labels).toEqual(['Question 1', 'Answer 1', 'Quiz 1', 'Quiz 2']);
    expect(await page.locator('details.drawer').first().isVisible()).toBe(false);
    expect(await page.locator('.print-back').isVisible()).toBe(false);
    const pdf = await page.pdf({ preferCSSPageSize: true, format: 'A4' });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF')).toBe(true);
    const pages = text.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    // Front matter, two chapters with their answer keys, one handout.
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(pages).toBeLessThanOrEqual(10);
  });

  it('made no request outside the site and logged no console errors', () => {
    expect(outside).toEqual([]);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
