import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { loadCourse } from '../build/model/course';
import { buildBook } from '../build/site/site';
import { formatProblem } from '../lib/yaml-schema';
import { courseRootOf, parseCommand } from './args';
import { buildQueue, watchCourse } from './dev-session';
import { serveSite } from './serve';

export const devSpec = {
  name: 'dev',
  help: `Usage: drydock dev [--root DIR] [--out DIR] [--port N]

Builds the book, serves it on http://localhost:PORT and rebuilds on every change to the
chapters, labs or course.yaml; open pages reload by themselves.
  --root DIR   course folder (default: the current folder)
  --out DIR    where the site goes (default: ROOT/site)
  --port N     port to serve on (default 4000; 0 picks a free one)
`,
  options: { root: { type: 'string' }, out: { type: 'string' }, port: { type: 'integer', default: 4000, min: 0, max: 65535 } },
} as const;

export async function devCommand(argv: string[]): Promise<number> {
  const args = parseCommand(devSpec, argv);
  if (!args) return 0;
  const { values } = args;
  const root = courseRootOf('dev', values.root);
  const out = resolve(values.out ?? join(root, 'site'));
  const live = serveSite(out);
  const rebuild = async (why: string) => {
    const t = Date.now();
    // One thread: every page renders here, so shiki and the pipeline are warm for the next save
    // (a helper thread would take that warmth away with it, ~2x on the first edits).
    let r: Awaited<ReturnType<typeof buildBook>>;
    try {
      r = await buildBook({ root, out, liveReload: true, incremental: true, threads: 1 });
    } catch (err) {
      // A crash in one build must not stop the server: the next save builds again.
      process.stderr.write(`drydock dev: the build crashed (${(err as Error).stack ?? err}); save again to retry\n`);
      return;
    }
    if (!r.ok) {
      const problems = r.problems.map(formatProblem).join('\n');
      process.stderr.write(`${problems}\n(site unchanged)\n`);
      live.announce(problems);
    } else {
      process.stderr.write(`rebuilt (${why}): ${r.rendered} page(s) rendered in ${Date.now() - t} ms\n`);
      live.announce(undefined);
    }
  };
  // Listen before the first build, so a port in use is reported at once.
  const failed = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
    live.server.once('error', done);
    live.server.listen(values.port, '127.0.0.1', () => done(undefined));
  });
  if (failed) {
    const why = failed.code === 'EADDRINUSE' ? 'another program is using it; pass --port with a free one' : failed.message;
    process.stderr.write(`drydock dev: cannot serve on port ${values.port}: ${why}\n`);
    return 2;
  }
  // The watchers are up before the first build starts, so an edit at any moment from here on is
  // built: one build at a time, and a change during a build makes another one after it.
  const queue = buildQueue(rebuild);
  const course = loadCourse(root);
  const unwatch = watchCourse(root, (name) => queue.changed(name), { dirs: [course.contentDir, 'labs'], files: course.manifests });
  queue.changed('start', true);
  await queue.idle();
  process.stderr.write(`drydock dev: http://localhost:${(live.server.address() as AddressInfo).port}/ (Ctrl-C to stop)\n`);
  // Stop on Ctrl-C or SIGTERM: close watchers and the open live-reload streams, or the process lingers.
  await new Promise<void>((r) => {
    const stop = () => {
      queue.stop();
      unwatch();
      void live.close().then(r);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
