// Book build speed: Drydock against VitePress (npm) and Hugo (Debian), on the
// same generated 200-chapter course, in one run. Prints ms per chapter and ratios.
//   npx tsx bench/book.ts [chapters]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { generateCourse } from './gen-course';
import { median, timedRun } from './measure';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench/out/book');
const PEERS = join(ROOT, 'bench/peers');
const N = Number(process.argv[2] ?? 200);
const RUNS = 3;
const CLI = join(ROOT, 'bin/drydock.mjs');


function ensureHugo(): boolean {
  if (spawnSync('hugo', ['version']).status === 0) return true;
  spawnSync('apt-get', ['install', '-y', '-qq', 'hugo'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return spawnSync('hugo', ['version']).status === 0;
}
function ensureVitepress(): boolean {
  const bin = join(PEERS, 'node_modules/.bin/vitepress');
  if (!existsSync(bin)) {
    mkdirSync(PEERS, { recursive: true });
    if (!existsSync(join(PEERS, 'package.json'))) writeFileSync(join(PEERS, 'package.json'), '{"private":true}\n');
    spawnSync('npm', ['install', '--no-audit', '--no-fund', 'vitepress'], { cwd: PEERS, stdio: 'inherit' });
  }
  return existsSync(bin);
}

// --- the course, in each tool's layout -------------------------------------------------
const course = join(OUT, 'course');
generateCourse(course, N);
// Diagrams are rendered once and cached in the course, as a committed .mermaid-cache would be.
timedRun(process.execPath, [CLI, 'build', '-q', '--root', course, '--out', join(OUT, 'warmup-site')], { env: { DRYDOCK_PAGE_CACHE_DIR: join(OUT, 'warmup-cache') } });

const hugoSite = join(OUT, 'hugo');
rmSync(hugoSite, { recursive: true, force: true });
mkdirSync(join(hugoSite, 'layouts/_default'), { recursive: true });
writeFileSync(join(hugoSite, 'hugo.toml'), `baseURL = "http://localhost/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.highlight]\n  codeFences = true\n  noClasses = true\n[markup.goldmark.renderer]\n  unsafe = true\n`);
writeFileSync(join(hugoSite, 'layouts/_default/single.html'), '<!doctype html><html><head><title>{{ .Title }}</title></head><body><nav>{{ range .Site.RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav><main>{{ .TableOfContents }}{{ .Content }}</main></body></html>\n');
writeFileSync(join(hugoSite, 'layouts/_default/list.html'), '<!doctype html><html><body>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n');
cpSync(join(course, 'chapters'), join(hugoSite, 'content'), { recursive: true });

const vpSite = join(OUT, 'vitepress');
rmSync(vpSite, { recursive: true, force: true });
mkdirSync(join(vpSite, '.vitepress'), { recursive: true });
cpSync(join(course, 'chapters'), vpSite, { recursive: true });
writeFileSync(join(vpSite, 'index.md'), '# Bench\n');
writeFileSync(join(vpSite, '.vitepress/config.mjs'), `export default { title: 'Bench', srcExclude: [], ignoreDeadLinks: true, themeConfig: { search: { provider: 'local' } } };\n`);

// --- measurements ------------------------------------------------------------------------
const results: { name: string; ms: number }[] = [];
const drydockCold = median(
  Array.from({ length: RUNS }, (_, i) => {
    const cache = join(OUT, `cold-cache-${i}`);
    rmSync(cache, { recursive: true, force: true });
    rmSync(join(OUT, 'site'), { recursive: true, force: true });
    return timedRun(process.execPath, [CLI, 'build', '-q', '--root', course, '--out', join(OUT, 'site')], { env: { DRYDOCK_PAGE_CACHE_DIR: cache } });
  }),
);
results.push({ name: 'drydock cold (no page cache, no site)', ms: drydockCold });
const warmEnv = { DRYDOCK_PAGE_CACHE_DIR: join(OUT, `cold-cache-${RUNS - 1}`) };
results.push({ name: 'drydock warm (nothing changed)', ms: median(Array.from({ length: RUNS }, () => timedRun(process.execPath, [CLI, 'build', '-q', '--root', course, '--out', join(OUT, 'site')], { env: warmEnv }))) });
const middle = String(Math.ceil(N / 2)).padStart(3, '0');
const edited = join(course, `chapters/${middle}-chapter.md`);
results.push({
  name: 'drydock one-line edit (CLI)',
  ms: median(
    Array.from({ length: RUNS }, (_, i) => {
      writeFileSync(edited, `${readFileSync(edited, 'utf8')}\nEdit ${i} ${Date.now()}.\n`);
      return timedRun(process.execPath, [CLI, 'build', '-q', '--root', course, '--out', join(OUT, 'site')], { env: warmEnv });
    }),
  ),
});

if (ensureHugo()) {
  results.push({
    name: 'hugo cold',
    ms: median(
      Array.from({ length: RUNS }, () => {
        rmSync(join(hugoSite, 'public'), { recursive: true, force: true });
        rmSync(join(hugoSite, 'resources'), { recursive: true, force: true });
        return timedRun('hugo', ['--quiet', '--source', hugoSite, '--cacheDir', join(OUT, 'hugo-cache-none')]);
      }),
    ),
  });
}
if (ensureVitepress()) {
  results.push({
    name: 'vitepress cold',
    ms: median(
      Array.from({ length: 2 }, () => {
        rmSync(join(vpSite, '.vitepress/dist'), { recursive: true, force: true });
        rmSync(join(vpSite, '.vitepress/cache'), { recursive: true, force: true });
        return timedRun(join(PEERS, 'node_modules/.bin/vitepress'), ['build', vpSite]);
      }),
    ),
  });
}

// The floor under any remark-based builder: remark-parse → remark-rehype → rehype-stringify, no
// plugins, no highlighting, no layout, one thread. What Drydock adds on top is the cost of its features.
results.push({
  name: 'bare unified pipeline (reference)',
  ms: median(Array.from({ length: RUNS }, () => timedRun(process.execPath, [join(ROOT, 'bench/bare-pipeline.mjs'), course, join(OUT, 'bare')]))),
});

// --- render threads: a course 3x the size, on one thread and on one per core ----------------
const big = join(OUT, 'course-big');
const BIG = N * 3;
generateCourse(big, BIG);
timedRun(process.execPath, [CLI, 'build', '-q', '--root', big, '--out', join(OUT, 'big-warmup')], { env: { DRYDOCK_PAGE_CACHE_DIR: join(OUT, 'big-warmup-cache') } });
const bigCold = (threads: string) => {
  rmSync(join(OUT, 'big-cache'), { recursive: true, force: true });
  rmSync(join(OUT, 'big-site'), { recursive: true, force: true });
  return timedRun(process.execPath, [CLI, 'build', '-q', '--threads', threads, '--root', big, '--out', join(OUT, 'big-site')], { env: { DRYDOCK_PAGE_CACHE_DIR: join(OUT, 'big-cache') } });
};
const cores = availableParallelism();
const bigOne = median(Array.from({ length: 2 }, () => bigCold('1')));
const bigAll = median(Array.from({ length: 2 }, () => bigCold(String(cores))));

// --- dev server: from saving a chapter to the rebuilt page on disk ------------------------
async function devRebuildMs(): Promise<number[]> {
  const site = join(OUT, 'dev-site');
  const dev = spawn(process.execPath, [CLI, 'dev', '--root', course, '--out', site, '--port', '4917'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...warmEnv } });
  await new Promise<void>((r) => dev.stderr.on('data', (d) => String(d).includes('http://localhost') && r()));
  const times: number[] = [];
  const page = join(site, `${middle}-chapter.html`);
  for (let i = 0; i < 7; i++) {
    const marker = `Marker${i}x${Date.now()}`;
    const t = process.hrtime.bigint();
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}\n${marker}\n`);
    while (!(existsSync(page) && readFileSync(page, 'utf8').includes(marker))) {
      // A dev server that stops rebuilding fails the benchmark instead of hanging it.
      if (Number(process.hrtime.bigint() - t) / 1e6 > 10_000) {
        dev.kill('SIGINT');
        throw new Error(`drydock dev did not rebuild ${page} within 10 s of an edit`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    await new Promise((r) => setTimeout(r, 150));
  }
  dev.kill('SIGINT');
  return times;
}
const devTimes = await devRebuildMs();
results.push({ name: 'drydock dev: edit → rebuilt page', ms: median(devTimes) });

// --- report ------------------------------------------------------------------------------
const hugo = results.find((r) => r.name === 'hugo cold')?.ms;
const vite = results.find((r) => r.name === 'vitepress cold')?.ms;
console.log(`\nBook build, ${N} chapters (~${Math.round(readFileSync(join(course, 'chapters/001-chapter.md')).length / 100) / 10} KB each), median of ${RUNS} runs, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`${'tool'.padEnd(40)} ${'total ms'.padStart(9)} ${'ms/chapter'.padStart(11)}`);
for (const r of results) console.log(`${r.name.padEnd(40)} ${r.ms.toFixed(0).padStart(9)} ${(r.ms / N).toFixed(2).padStart(11)}`);
console.log('');
if (vite) console.log(`VitePress cold / Drydock cold        = ${(vite / drydockCold).toFixed(1)}x  (target >= 5x)`);
if (hugo) console.log(`Drydock cold / Hugo cold             = ${(drydockCold / hugo).toFixed(1)}x  (target <= 3x)`);
if (hugo) console.log(`Drydock warm / Hugo cold             = ${(results[1].ms / hugo).toFixed(2)}x  (target < 1x)`);
console.log(`Dev edit → page (all samples, ms)    = ${devTimes.map((t) => t.toFixed(0)).join(', ')}  (target < 150)`);
console.log(`\nRender threads, ${BIG} chapters cold (median of 2): 1 thread ${bigOne.toFixed(0)} ms, ${cores} threads ${bigAll.toFixed(0)} ms = ${(bigOne / bigAll).toFixed(2)}x`);
