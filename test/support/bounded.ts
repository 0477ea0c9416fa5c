import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface Bounded<T> {
  /** What the module's function returned (JSON), when the child finished in time. */
  value?: T;
  /** Why it did not: killed at the time limit, out of memory, or an exception (its message). */
  failure?: string;
}

export interface BoundedOptions {
  timeoutMs?: number;
  heapMB?: number;
}

/**
 * Runs functions of a repository module (path relative to the root) in a child
 * Node with a small heap and a hard time limit per call, so a reader that hangs
 * in synchronous code or runs out of memory on hostile input fails the test
 * instead of stalling the run. One child answers call after call (starting Node
 * with tsx costs about a second of CPU, more than most cases); a call that runs
 * out of time kills it, a heap that runs out ends it, and the next call starts a
 * fresh one. Arguments and results travel as JSON over the IPC channel.
 */
export function boundedRunner(module: string, opts: BoundedOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let child: ChildProcess | undefined;
  let stderr = '';
  let queue = Promise.resolve();

  const start = () => {
    stderr = '';
    const c = fork(join(import.meta.dirname, 'bounded-child.ts'), [join(ROOT, module)], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', `--max-old-space-size=${opts.heapMB ?? 512}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    return c;
  };

  const once = <T>(fn: string, args: unknown[]) =>
    new Promise<Bounded<T>>((resolve) => {
      const c = (child ??= start());
      const done = (r: Bounded<T>) => {
        clearTimeout(timer);
        c.off('message', onMessage);
        c.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m: Bounded<T>) => done(m);
      const onExit = (code: number | null, signal: string | null) => {
        child = undefined;
        done({ failure: `exit ${code ?? signal}: ${stderr.split('\n').find((l) => /heap|Error/.test(l)) ?? stderr.slice(-300)}` });
      };
      const timer = setTimeout(() => {
        child = undefined;
        c.off('exit', onExit);
        c.kill('SIGKILL');
        done({ failure: `killed: no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      c.on('message', onMessage);
      c.on('exit', onExit);
      c.send({ fn, args });
    });

  return {
    /** `fn(...args)` in the child; calls run one after another. */
    call<T>(fn: string, args: unknown[]): Promise<Bounded<T>> {
      const result = queue.then(() => once<T>(fn, args));
      queue = result.then(() => undefined);
      return result;
    },
    close() {
      child?.kill('SIGKILL');
      child = undefined;
    },
  };
}
