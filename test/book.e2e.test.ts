// The built fixture course opened in real Chromium (Debian's, through playwright-core).
import { readFileSync, existsSync, mkdtempSync, cpSync, rmSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, renderMermaid } from '../build/mermaid';
import { buildBook } from '../build/site';
import { ROOT } from './helpers';

const require = createRequire(import.meta.url);
let browser: Browser;
let server: Server;
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

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'drydock-e2e-'));
  cpSync(join(ROOT, 'test/fixtures/course'), root, { recursive: true });
  // No cached SVGs: the diagram must really be rendered by mermaid in Chromium.
  rmSync(join(root, '.mermaid-cache'), { recursive: true, force: true });
  site = join(root, 'site');
  const r = await buildBook({ root, out: site });
  expect(r.problems).toEqual([]);
  server = createServer((req, res) => {
    const file = join(site, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (!existsSync(file)) return void res.writeHead(404).end();
    const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const exe = chromiumPath();
  if (!exe) throw new Error('Chromium is required for the book tests: apt-get install chromium (scripts/engine-up.sh does)');
  browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('build-time Mermaid', () => {
  it('rendered the diagram into the cache folder, and rejects an invalid one with mermaid\'s message', async () => {
    expect(readdirSync(join(site, '..', '.mermaid-cache')).filter((f) => f.endsWith('.svg'))).toHaveLength(1);
    const cache = mkdtempSync(join(tmpdir(), 'drydock-mermaid-'));
    const r = await renderMermaid(['sequenceDiagram\n  A->>: missing target'], cache, () => {});
    expect([...r.values()][0].error).toMatch(/Parse error|Expecting/);
    expect(readdirSync(cache)).toEqual([]);
  });
});

describe('without a browser at build time', () => {
  it('warns, and renders the diagram in the reader\'s browser, loading mermaid only where needed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'drydock-nobrowser-'));
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
    const svg = page.locator('figure.mermaid-figure > svg');
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

  it('has no serious or critical axe-core violations on any page', async () => {
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const path of ['index.html', '01-harbour.html', '02-tides.html', 'labs/demo-lab.html', 'print.html']) {
      const page = await open(path);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run();
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
      });
      expect(violations, path).toEqual([]);
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

  it('made no request outside the site and logged no console errors', () => {
    expect(outside).toEqual([]);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
