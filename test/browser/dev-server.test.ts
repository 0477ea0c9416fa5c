// `drydock dev` must never lose an author's edit, whatever its timing: an edit straight after
// the URL is printed, edits in quick succession, edits while a rebuild is running. The sequence
// is the one bench/book.ts drives (issue 15), on a course with enough files that starting the
// watchers takes a while.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../support/helpers';
import { tempDirs } from '../support/temp';

const CHAPTERS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The course folders made below (drydock-dev-*), removed once the server has exited. */
const temps = tempDirs();
afterAll(() => {
  expect(temps.remove()).toEqual([]);
});

function smallCourse(): string {
  const root = temps.make('drydock-dev-');
  mkdirSync(join(root, 'chapters'));
  for (let i = 1; i <= CHAPTERS; i++) {
    const id = String(i).padStart(3, '0');
    writeFileSync(join(root, `chapters/${id}-chapter.md`), `---\ntitle: Chapter ${i}\n---\n\n## Part ${i}\n\nText of chapter ${i}.\n\n\`\`\`sh\necho ${i}\n\`\`\`\n`);
  }
  return root;
}

it('drydock dev shows every edit: straight after start, in quick succession and during a rebuild', { timeout: 120_000 }, async () => {
  const root = smallCourse();
  const edited = join(root, 'chapters/100-chapter.md');
  const original = readFileSync(edited, 'utf8');
  const dev = spawn(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'dev', '--root', root, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DRYDOCK_PAGE_CACHE_DIR: join(root, '.cache'), DRYDOCK_CHROMIUM: 'none' },
  });
  let log = '';
  dev.stderr.on('data', (d) => (log += d));
  const edits: string[] = [];
  const edit = (marker: string) => {
    edits.push(marker);
    writeFileSync(edited, `${original}\n${edits.join('\n\n')}\n`);
  };
  try {
    // The first edit goes out the moment the URL is printed, before anything else can run here.
    const port = await new Promise<number>((resolve, reject) => {
      dev.stderr.on('data', () => {
        const m = /http:\/\/localhost:(\d+)\//.exec(log);
        if (m) {
          edit('Edit0 straight after start.');
          resolve(Number(m[1]));
        }
      });
      dev.once('exit', () => reject(new Error(`drydock dev exited: ${log}`)));
    });
    const page = async () => (await fetch(`http://127.0.0.1:${port}/100-chapter.html`)).text();
    const shows = async (marker: string, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!(await page()).includes(marker)) {
        if (Date.now() > deadline) throw new Error(`${what}: the page never showed "${marker}" (server log:\n${log})`);
        await sleep(5);
      }
    };
    await shows('Edit0', 'an edit straight after the URL was printed');

    // Seven edits 150 ms apart, each waited for, as the benchmark does.
    for (let i = 1; i <= 7; i++) {
      edit(`Edit${i} in a series.`);
      await shows(`Edit${i} in`, `edit ${i} of a series`);
      await sleep(150);
    }

    // A burst: every edit after the first lands while the rebuild it started is running.
    // The open page must be told to reload once the page shows the last one.
    const events = (await fetch(`http://127.0.0.1:${port}/__drydock/events`)).body!.getReader();
    await events.read(); // the connection comment
    for (let i = 0; i < 8; i++) {
      edit(`Burst${i} during a rebuild.`);
      await sleep(i % 2 ? 5 : 25);
    }
    const deadline = Date.now() + 10_000;
    let reloaded = false;
    while (!reloaded) {
      const chunk = await Promise.race([events.read(), sleep(deadline - Date.now()).then(() => undefined)]);
      if (!chunk || chunk.done) throw new Error(`no reload showing the last edit of a burst (server log:\n${log})`);
      reloaded = new TextDecoder().decode(chunk.value).includes('data: reload') && (await page()).includes('Burst7');
    }
    await events.cancel();
    const last = await page();
    for (const marker of edits) expect(last).toContain(marker);
  } finally {
    // Waited for, so that afterAll does not remove the course under a server still writing its cache.
    if (dev.exitCode === null && dev.signalCode === null) await new Promise((r) => (dev.once('exit', r), dev.kill('SIGINT')));
  }
});
