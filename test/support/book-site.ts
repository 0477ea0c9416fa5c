// A fixture course built into a site, served over HTTP, and Debian's Chromium to read it: what the browser tests share.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../build/preprocess/mermaid';
import { buildBook } from '../../build/site/site';
import { ROOT } from './helpers';
import { tempDirs, type TempDirs } from './temp';

/**
 * test/fixtures/course copied aside (plus extra chapters), built with its diagrams really
 * rendered; the site's folder, inside a drydock-e2e-* folder that `temps` makes (and removes).
 */
export async function buildFixtureSite(temps: TempDirs, extraChapters: string[] = []): Promise<string> {
  const root = temps.make('drydock-e2e-');
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

/**
 * A built fixture site, served, and a browser to read it: what a browser test file opens in
 * `beforeAll`. `close` (its `afterAll`) stops both and removes the site's drydock-e2e-* folder;
 * it returns the folders still there after (none, normally).
 */
export async function openBookSite(extraChapters: string[] = []): Promise<{ site: string; origin: string; browser: Browser; close: () => Promise<string[]> }> {
  const temps = tempDirs();
  const site = await buildFixtureSite(temps, extraChapters);
  const server = await serveSite(site);
  const browser = await launchChromium();
  return {
    site,
    origin: server.origin,
    browser,
    close: async () => {
      await browser.close();
      server.close();
      return temps.remove();
    },
  };
}

/** The folder a fixture site was built in (the drydock-e2e-* folder). */
export const siteRoot = (site: string) => dirname(site);
