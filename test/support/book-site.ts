// A fixture course built into a site, served over HTTP, and Debian's Chromium to read it: what the browser tests share.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../build/preprocess/mermaid';
import { buildBook } from '../../build/site/site';
import { ROOT } from './helpers';

/** test/fixtures/course copied aside (plus extra chapters), built with its diagrams really rendered; the site's folder. */
export async function buildFixtureSite(extraChapters: string[] = []): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'drydock-e2e-'));
  cpSync(join(ROOT, 'test/fixtures/course'), root, { recursive: true });
  for (const file of extraChapters) cpSync(file, join(root, 'chapters', file.split('/').pop()!));
  // No cached SVGs: the diagram must really be rendered by mermaid in Chromium.
  rmSync(join(root, '.mermaid-cache'), { recursive: true, force: true });
  const site = join(root, 'site');
  const r = await buildBook({ root, out: site });
  expect(r.problems).toEqual([]);
  return site;
}

/** Serves a site folder on a free port; the origin and how to stop. */
export async function serveSite(site: string): Promise<{ origin: string; close: () => void }> {
  const server = createServer((req, res) => {
    const file = join(site, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (!existsSync(file)) return void res.writeHead(404).end();
    const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

export async function launchChromium(): Promise<Browser> {
  const exe = chromiumPath();
  if (!exe) throw new Error('Chromium is required for the book tests: apt-get install chromium (scripts/engine-up.sh does)');
  return chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
}

/** A built fixture site, served, and a browser to read it: what a browser test file opens in `beforeAll`. */
export async function openBookSite(extraChapters: string[] = []): Promise<{ site: string; origin: string; browser: Browser; close: () => Promise<void> }> {
  const site = await buildFixtureSite(extraChapters);
  const server = await serveSite(site);
  const browser = await launchChromium();
  return { site, origin: server.origin, browser, close: async () => (await browser.close(), server.close()) };
}
