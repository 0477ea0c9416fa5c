// Reading the book on a phone, a tablet, a laptop and a wide screen, in both themes, and on paper
// (issue 26): the fixture course plus a long chapter with a wide figure, diagram, table, code and a
// shell session, opened in Debian's Chromium at 375, 768, 1280 and 1920 px.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBookSite } from '../support/book-site';
import { ROOT } from '../support/helpers';

const require = createRequire(import.meta.url);
const WIDTHS = [375, 768, 1280, 1920] as const;
const SCHEMES = ['light', 'dark'] as const;
const CHAPTER = '03-fleet.html';

let browser: Browser;
let origin: string;
let site: string;
let closeSite: (() => Promise<string[]>) | undefined;
const contexts = new Map<string, Promise<Page>>();
const errors: string[] = [];

/** One page per width, scheme and script setting, reused by the tests (a fresh context each costs ~100 ms). */
function pageAt(width: number, colorScheme: 'light' | 'dark', javaScriptEnabled = true): Promise<Page> {
  const key = `${width} ${colorScheme} ${javaScriptEnabled}`;
  let page = contexts.get(key);
  if (!page) {
    page = browser.newContext({ viewport: { width, height: width < 500 ? 812 : 900 }, colorScheme, javaScriptEnabled }).then(async (context: BrowserContext) => {
      const p = await context.newPage();
      p.on('pageerror', (e) => errors.push(`${key}: ${e.message}`));
      p.on('console', (m) => m.type() === 'error' && errors.push(`${key}: ${m.text()}`));
      return p;
    });
    contexts.set(key, page);
  }
  return page;
}

async function goto(page: Page, path: string): Promise<void> {
  await page.emulateMedia({ media: 'screen' });
  await page.goto(`${origin}/${path}`);
}

/** Relative luminance contrast of two CSS colours, computed in the page (rgb() strings). */
const contrastIn = (page: Page, fg: string, bg: string) =>
  page.evaluate(
    ([a, b]) => {
      const lum = (c: string) => {
        const [r, g, bl] = c.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
          const s = Number(v) / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
      };
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    },
    [fg, bg],
  );

beforeAll(async () => {
  ({ site, origin, browser, close: closeSite } = await openBookSite([join(ROOT, 'test/fixtures/reading/03-fleet.md')]));
});

afterAll(async () => {
  // Closing removes the fixture site's drydock-e2e-* folder.
  expect((await closeSite?.()) ?? []).toEqual([]);
});

describe('the chapters menu on phones and tablets', () => {
  it('keeps the reader\'s place when it opens and closes, holds focus, and the page does not scroll behind it (with and without JavaScript)', async () => {
    for (const width of [375, 768]) {
      for (const colorScheme of SCHEMES) {
        for (const js of [true, false]) {
          const where = `${width}px ${colorScheme} ${js ? 'with' : 'without'} JavaScript`;
          const page = await pageAt(width, colorScheme, js);
          await goto(page, CHAPTER);
          const y = await page.evaluate(() => Math.min(3000, document.documentElement.scrollHeight - innerHeight - 10));
          expect(y, where).toBeGreaterThan(1500);
          await page.evaluate((to) => scrollTo(0, to), y);
          // A real click where the button is: page.click() would first scroll the sticky header "into view" itself.
          const menu = (await page.locator('.menu').boundingBox())!;
          await page.mouse.click(menu.x + menu.width / 2, menu.y + menu.height / 2);
          await expect.poll(async () => (await page.locator('.sidebar').boundingBox())?.x, { message: where, timeout: 5000 }).toBe(0);
          expect(await page.evaluate(() => scrollY), where).toBe(y);
          // A wheel over the dimmed page does not move it.
          await page.mouse.move(width - 25, 400);
          await page.mouse.wheel(0, 600);
          await page.waitForTimeout(100);
          expect(await page.evaluate(() => scrollY), where).toBe(y);
          if (js) {
            await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('.sidebar'))), { message: where, timeout: 5000 }).toBe(true);
            // Tab goes round the drawer and the menu button, never into the page behind.
            for (let i = 0; i < 12; i++) {
              await page.keyboard.press(i % 4 === 3 ? 'Shift+Tab' : 'Tab');
              expect(await page.evaluate(() => Boolean(document.activeElement?.closest('.sidebar') || document.activeElement?.id === 'nav-toggle')), where).toBe(true);
            }
            await page.keyboard.press('Escape');
            expect(await page.evaluate(() => document.activeElement?.id), where).toBe('nav-toggle');
            // From the keyboard too: Space on the menu button opens it where the reader is.
            await page.keyboard.press('Space');
            await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('.sidebar'))), { message: where, timeout: 5000 }).toBe(true);
            expect(await page.evaluate(() => scrollY), where).toBe(y);
            await page.keyboard.press('Escape');
          } else {
            await page.mouse.click(width - 25, 400);
          }
          await expect.poll(() => page.locator('.sidebar').isVisible(), { message: where, timeout: 5000 }).toBe(false);
          expect(await page.evaluate(() => scrollY), where).toBe(y);
        }
      }
    }
  });
});

describe('wide things at 375, 768, 1280 and 1920 px in both themes', () => {
  it('fits diagrams and figures to the column, keeps code whole on wide screens, scrolls tables with a cue, never breaks a token', async () => {
    for (const width of WIDTHS) {
      for (const colorScheme of SCHEMES) {
        const where = `${width}px ${colorScheme}`;
        const page = await pageAt(width, colorScheme);
        await goto(page, CHAPTER);
        const m = await page.evaluate(() => {
          const fig = document.querySelector('.mermaid-figure')!;
          const svg = [...fig.querySelectorAll('svg')].find((s) => s.getBoundingClientRect().width > 0)!;
          const box = fig.querySelector('.mermaid-scroll')!;
          const column = document.querySelector('article')!.getBoundingClientRect();
          return {
            page: document.documentElement.scrollWidth,
            svgRight: svg.getBoundingClientRect().right,
            column: column.right,
            overflow: box.scrollWidth - box.clientWidth,
            caption: fig.querySelector('figcaption')!.textContent,
          };
        });
        expect(m.page, where).toBeLessThanOrEqual(width);
        expect(m.overflow, where).toBeLessThanOrEqual(0);
        expect(m.svgRight, where).toBeLessThanOrEqual(m.column + 1);
        // Numbered after the ASCII figure before it, and captioned with who takes part.
        expect(m.caption, where).toMatch(/^Figure 2 — Sequence diagram: Pilot boat, Ship at anchor, Harbour master's office, Quay crane$/);
        const ascii = await page.locator('.ascii-figure').evaluateAll((figs) =>
          figs.map((f) => {
            const box = f.querySelector('.scroll-x')!;
            const hint = f.querySelector('.scroll-hint')!;
            return { cut: box.scrollWidth - box.clientWidth, hint: getComputedStyle(hint).display !== 'none', caption: f.querySelector('figcaption')?.textContent };
          }),
        );
        expect(ascii[0].caption, where).toBe('Figure 1 — From anchor to berth');
        for (const a of ascii) {
          if (width >= 768) expect(a.cut, where).toBeLessThanOrEqual(1);
          // On a phone a figure too wide for legible type scrolls, and says so.
          else if (a.cut > 1) expect(a.hint, where).toBe(true);
        }
        const scrollingCode = await page.locator('.code-block pre').evaluateAll((pres) => pres.filter((p) => p.scrollWidth > p.clientWidth + 1).length);
        if (width >= 1280) expect(scrollingCode, where).toBe(0);
        const tables = await page.locator('.table-scroll').evaluateAll((ts) =>
          ts.map((t) => {
            const box = t.querySelector('.scroll-x')!;
            return { overflows: box.scrollWidth > box.clientWidth + 1, hint: getComputedStyle(t.querySelector('.scroll-hint')!).display !== 'none', focusable: box.getAttribute('tabindex') === '0' };
          }),
        );
        expect(tables.length, where).toBeGreaterThan(0);
        for (const t of tables) expect([t.hint, t.focusable], where).toEqual([t.overflows, t.overflows]);
        if (width === 375) expect(tables.some((t) => t.overflows), where).toBe(true);
        // Inline code never splits inside a word: each unbreakable piece sits on one line.
        const broken = await page.locator('article :not(pre) > code').evaluateAll((codes) =>
          codes.flatMap((c) => {
            const pieces = c.querySelectorAll('.nobr').length ? [...c.querySelectorAll('.nobr')] : [c];
            return pieces.filter((p) => p.getClientRects().length > 1).map((p) => p.textContent);
          }),
        );
        expect(broken, where).toEqual([]);
      }
    }
  });

  it('zooms a diagram on a phone to where its labels can be read, and gives its steps as a list', async () => {
    const page = await pageAt(375, 'light');
    await goto(page, CHAPTER);
    const fig = page.locator('.mermaid-figure');
    const inline = await fig.locator('.mermaid-light svg').evaluate((s) => s.getBoundingClientRect().width);
    await fig.locator('.open-full').click();
    const dialog = page.locator('dialog.figure-dialog');
    expect(await dialog.getAttribute('aria-label')).toMatch(/^Figure 2 — /);
    const textSize = () =>
      dialog.locator('svg').evaluate((svg: SVGSVGElement) => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return { width: svg.getBoundingClientRect().width, smallest: Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)) };
      });
    const first = await textSize();
    expect(first.width).toBeGreaterThan(inline * 2);
    expect(first.smallest).toBeGreaterThanOrEqual(11);
    await dialog.getByRole('button', { name: 'Zoom in' }).click();
    expect((await textSize()).width).toBeGreaterThan(first.width * 1.4);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5000 }); // removed on its close event, a task after the key
    expect(await dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('open-full');
    const steps = page.locator('details.diagram-steps');
    await steps.locator('summary').click();
    expect(await steps.locator(':scope > ol > li').first().textContent()).toBe('Pilot boat → Ship at anchor: Boarding now, follow us past the sandbanks');
    expect(await steps.locator('ol ol li').first().textContent()).toBe('Quay crane → Ship at anchor: Lift the next container from the hold');
    expect(await steps.textContent()).toContain('Harbour master\'s office → Ship at anchor (reply): Berth seven is free');
  });
});

describe('on-page contents', () => {
  it('opens from a bar under the header below 1440 px, returns to the top, and sits beside the page on wide screens', async () => {
    for (const width of WIDTHS) {
      const where = `${width}px`;
      const page = await pageAt(width, 'dark');
      await goto(page, CHAPTER);
      const list = page.locator('.toc ol');
      if (width === 1920) {
        expect(await list.isVisible(), where).toBe(true);
        await page.locator('.toc-title').click();
        expect(await list.isVisible(), where).toBe(true);
        continue;
      }
      await page.evaluate(() => scrollTo(0, 2000));
      const bar = await page.locator('.toc-title').boundingBox();
      expect(bar!.y, where).toBeGreaterThanOrEqual(40);
      expect(bar!.y, where).toBeLessThan(80);
      expect(await list.isVisible(), where).toBe(false);
      await page.locator('.toc-title').click();
      await page.locator('.toc ol a', { hasText: 'Fog signals' }).click();
      await page.waitForURL(/#fog-signals$/);
      expect(await list.isVisible(), where).toBe(false);
      // The heading lands below the header and the bar, not under them.
      await expect.poll(async () => (await page.locator('#fog-signals').boundingBox())!.y, { message: where, timeout: 5000 }).toBeGreaterThanOrEqual(bar!.y + bar!.height - 1);
      await page.locator('.toc-title').click();
      await page.locator('.to-top').click();
      await expect.poll(() => page.evaluate(() => scrollY), { message: where, timeout: 5000 }).toBe(0);
    }
    // Without JavaScript the bar works the same (a checkbox), and the chapter, not the list, fills the first screen.
    const plain = await pageAt(375, 'light', false);
    await goto(plain, CHAPTER);
    expect((await plain.locator('h1').boundingBox())!.y).toBeLessThan(150);
    expect(await plain.locator('.toc ol').isVisible()).toBe(false);
    const bar = (await plain.locator('.toc-title').boundingBox())!;
    await plain.mouse.click(bar.x + 20, bar.y + bar.height / 2);
    await plain.locator('.toc ol a', { hasText: 'Departures' }).click();
    await plain.waitForURL(/#departures$/);
  });

  it('lists the front page\'s Chapters and Labs', async () => {
    const page = await pageAt(1920, 'light');
    await goto(page, 'index.html');
    expect(await page.locator('.toc ol a').allTextContents()).toEqual(expect.arrayContaining(['Chapters', 'Labs']));
  });
});

describe('on paper', () => {
  it('prints dark text on white with light code colours, whatever the theme, for a chapter and for print.html', async () => {
    for (const colorScheme of SCHEMES) {
      const page = await pageAt(1280, colorScheme);
      for (const path of [CHAPTER, 'print.html']) {
        for (const toggle of ['dark', null]) {
          const where = `${path}, system ${colorScheme}, toggle ${toggle ?? 'unset'}`;
          await goto(page, path);
          await page.evaluate((t) => (t ? (document.documentElement.dataset.theme = t) : delete document.documentElement.dataset.theme), toggle);
          await page.emulateMedia({ media: 'print', colorScheme });
          const [fg, bg] = await page.evaluate(() => [getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]);
          expect(bg, where).toBe('rgb(255, 255, 255)');
          expect(await contrastIn(page, fg, bg), where).toBeGreaterThanOrEqual(7);
          const tokens = await page.locator('.code-block pre span[style]').evaluateAll((spans) => [...new Set(spans.map((s) => getComputedStyle(s).color))]);
          expect(tokens.length, where).toBeGreaterThan(1);
          for (const c of tokens) expect(await contrastIn(page, c, 'rgb(245, 245, 245)'), `${where}: ${c}`).toBeGreaterThanOrEqual(4.5);
          if (path === CHAPTER) expect(await page.locator('.mermaid-light svg').isVisible(), where).toBe(true);
        }
      }
    }
  });

  it('keeps lab cards and lead-ins whole, shows where links go, and prints the download link legibly', async () => {
    const page = await pageAt(1280, 'dark');
    await goto(page, 'print.html');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.lab-card').first().evaluate((c) => getComputedStyle(c).breakInside)).toBe('avoid');
    const leadIn = page.locator('.print-chapter p.lead-in', { hasText: 'the berth it gave you:' });
    expect(await leadIn.evaluate((p) => [getComputedStyle(p).breakAfter, getComputedStyle(p.nextElementSibling!).breakBefore])).toEqual(['avoid', 'avoid']);
    // In the one-page book a link to another page names the section it now leads to.
    expect(await page.locator('.lab-card-title a').evaluate((a) => getComputedStyle(a, '::after').content)).toContain('see “Dock a ship”');
    const [fg, bg] = await page.locator('.lab-download a').evaluate((a) => [getComputedStyle(a).color, getComputedStyle(a).backgroundColor]);
    expect(await contrastIn(page, fg, bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : bg)).toBeGreaterThanOrEqual(4.5);
    // On a chapter, printing writes each link's whole address after it.
    await goto(page, '01-harbour.html');
    await page.evaluate(() => dispatchEvent(new Event('beforeprint')));
    await page.emulateMedia({ media: 'print' });
    const after = await page.locator('.lab-card-title a').evaluate((a) => getComputedStyle(a, '::after').content);
    expect(after).toContain(`${origin}/labs/demo-lab.html`);
  });
});

describe('search', () => {
  it('loads on first use, finds prose only, shows the word in every snippet under its section, more than 8 results, and Escape keeps focus', async () => {
    const page = await pageAt(1280, 'light');
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await goto(page, CHAPTER);
    // The page's own interactivity is there before any search script is fetched.
    expect(await page.locator('.theme-toggle').isVisible()).toBe(true);
    expect(requested.filter((u) => /search-index|minisearch/.test(u))).toEqual([]);
    await page.locator('#search-input').fill('quartermaster');
    const hits = page.locator('#search-results a');
    await expect.poll(() => hits.count()).toBeGreaterThan(8);
    expect(requested.filter((u) => /search-index|minisearch/.test(u))).toHaveLength(2);
    const shown = await hits.evaluateAll((as) => as.map((a) => ({ first: a.firstElementChild!.className, heading: a.querySelector('.hit-heading')!.textContent, snippet: a.querySelector('.hit-snippet')?.textContent ?? '' })));
    for (const h of shown) {
      expect(h.snippet, h.heading!).toMatch(/quartermaster/i);
      expect(h.first).toBe('hit-heading');
    }
    expect(shown.map((h) => h.heading)).toEqual(expect.arrayContaining(['Anchorage', 'Fog signals', 'Departures']));
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#search-results').isVisible(), { timeout: 5000 }).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    // A word that only appears inside an ASCII drawing is not prose.
    await page.locator('#search-input').fill('gangplank');
    await expect.poll(() => page.locator('.search-none').textContent()).toMatch(/No matches/);
    const index = readFileSync(join(site, 'assets/search-index.js'), 'utf8');
    expect(index).not.toMatch(/[\u2500-\u257f]/);
    expect(index).not.toMatch(/labDock|Hands-on labDock/);
    expect(index).not.toMatch(/"heading":"[^"]*#"/);
  });
});

describe('shell sessions', () => {
  it('copies the commands only, and sets the output apart from them', async () => {
    const page = await pageAt(768, 'dark');
    await page.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: (t: string) => ((window as unknown as { copied: string }).copied = t, Promise.resolve()) } });
    });
    await goto(page, CHAPTER);
    const block = page.locator('.code-block', { has: page.locator('pre[data-transcript]') });
    await block.locator('.copy').click();
    expect(await page.evaluate(() => (window as unknown as { copied: string }).copied)).toBe('harbour dock --ship northern-star --berth 7 --pilot on \\\n    --tugs 2\nharbour status northern-star');
    await expect.poll(() => page.locator('[role="status"]').last().textContent()).toMatch(/Copied/);
    const [command, output, prompt] = await block.evaluate((b) => [
      getComputedStyle(b.querySelector('.line.cmd span:not(.prompt)')!).color,
      getComputedStyle(b.querySelector('.line.out')!).color,
      getComputedStyle(b.querySelector('.prompt')!).userSelect,
    ]);
    expect(output).not.toBe(command);
    expect(prompt).toBe('none');
  });
});

describe('small things', () => {
  it('says whether dark mode is on, goes to the next and previous page with → and ←, and aligns the header with the page at 1920 px', async () => {
    const page = await pageAt(1920, 'dark');
    await goto(page, '02-tides.html');
    const toggle = page.locator('.theme-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    const title = await page.locator('.topbar-title').boundingBox();
    const link = await page.locator('.sidebar ol a').first().boundingBox();
    expect(Math.abs(title!.x - link!.x)).toBeLessThanOrEqual(1);
    // The placeholder of the dark search box is readable.
    const [ph, bg] = await page.locator('#search-input').evaluate((i) => [getComputedStyle(i, '::placeholder').color, getComputedStyle(i).backgroundColor]);
    expect(await contrastIn(page, ph, bg)).toBeGreaterThanOrEqual(4.5);
    expect(await page.locator('#nav-toggle').evaluate((t) => Boolean(t.closest('header, nav, main')))).toBe(true);
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/03-fleet\.html$/);
    await page.keyboard.press('ArrowLeft');
    await page.waitForURL(/02-tides\.html$/);
  });

  it('has no axe-core violation of any impact on the chapter, index, lab and print pages, on a phone and a desktop', async () => {
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const [width, scheme] of [[375, 'dark'], [1280, 'light']] as const) {
      const page = await pageAt(width, scheme);
      for (const path of [CHAPTER, 'index.html', 'labs/demo-lab.html', 'print.html']) {
        await goto(page, path);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const r = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run();
          return r.violations.map((v) => `${v.id} [${v.impact}] (${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')})`);
        });
        expect(violations, `${path} at ${width}px, ${scheme}`).toEqual([]);
      }
    }
  });

  it('logged no errors', () => {
    expect(errors).toEqual([]);
  });
});
