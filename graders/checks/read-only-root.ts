import { z } from 'zod';
import { defineCheck } from './types';

const secs = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;

export const readOnlyRootCheck = defineCheck({
  id: 'read-only-root',
  title: 'The container serves with a read-only root filesystem',
  anchor: 'production-notes',
  needs: ['image', 'run', 'read-only-run'] as const,
  /** `readOnlyRoot`: paths mounted as a tmpfs in the read-only run (e.g. [/tmp]); none when left out. */
  params: {
    key: 'readOnlyRoot',
    schema: z
      .object({ tmpfs: z.array(z.string().regex(/^\/[^\s,:]+$/, 'an absolute path other than /, without spaces, commas or colons')).default([]) })
      .strict(),
  },
  inputs: { 'read-only-run': (params) => ({ readOnly: true, tmpfs: params.tmpfs }) },
  evaluate(obs, params) {
    const probe = obs.lab.thresholds.readiness;
    const tmpfs = params.tmpfs;
    const main = obs.run;
    if (!main.ready) {
      return {
        status: 'skipped',
        summary: `GET ${probe.path} never answered even with a writable root, so a read-only root says nothing more`,
        evidence: [main.startError ? `start failed: ${main.startError}` : 'the first run did not become ready'],
        fix: 'Fix the graceful-stop check first; this check needs a container that becomes ready.',
      };
    }
    const variant = obs.readOnlyRun;
    const ro = variant.run;
    const evidence = [`run as \`${variant.how}\``, `with a writable root: ready after ${secs(main.readyAfterMs)}`];
    if (ro.ready) {
      return { status: 'pass', summary: `GET ${probe.path} answered after ${secs(ro.readyAfterMs)} with a read-only root`, evidence: [...evidence, `with a read-only root: ready after ${secs(ro.readyAfterMs)}`] };
    }
    const logs = ro.logTail.map((l) => `| ${l}`);
    const writeError = ro.logTail.find((l) => /read-only file system|EROFS/i.test(l));
    const summary = ro.startError
      ? `the container cannot start with a read-only root: ${ro.startError}`
      : ro.exitedEarly
        ? `with a read-only root the container exited (code ${ro.exitedEarly.exitCode}) before GET ${probe.path} answered`
        : `with a read-only root GET ${probe.path} did not answer within ${probe.timeoutSeconds} s`;
    return {
      status: 'fail',
      summary: writeError ? `${summary}: it writes to its filesystem` : summary,
      evidence: [...evidence, ...(writeError ? [`the write that failed: ${writeError.trim()}`] : []), 'last log lines:', ...logs],
      fix:
        (tmpfs.length
          ? `Write only to ${tmpfs.join(', ')} (a tmpfs in this run, an emptyDir in Kubernetes) or to a mounted volume. `
          : 'The program must not write to its own filesystem; send logs to stdout and state to a volume or a service. ') +
        'Anything written at start (a pid file, a cache folder, `mkdir` in an entrypoint script) fails under `docker run --read-only` and under Kubernetes `readOnlyRootFilesystem: true`.',
    };
  },
});
