import { defineCheck } from './types';
import { resolveUid } from './util';

export const userCheck = defineCheck({
  id: 'user',
  title: 'The container runs as the nonroot user',
  anchor: 'the-catalog-dockerfile-line-by-line',
  needs: ['image', 'files', 'run'] as const,
  evaluate(obs) {
    const want = obs.lab.thresholds.user;
    const spec = obs.image.Config?.User ?? '';
    const configured = resolveUid(spec, obs.files.passwd);
    const userLine = obs.dockerfile?.stages.at(-1)?.instructions.filter((i) => i.keyword === 'USER').at(-1);
    const evidence = [
      `configured user: ${spec === '' ? '(none, so root)' : JSON.stringify(spec)}${configured === undefined ? ' (not in the image\'s /etc/passwd)' : ` = UID ${configured}`}`,
      userLine ? `set at line ${userLine.line}: USER ${userLine.args}` : 'no USER instruction in the final stage',
    ];
    const fix = `Add \`USER ${want}:${want}\` to the final stage (distroless nonroot images name this user "nonroot").`;
    if (configured !== want) {
      return {
        status: 'fail',
        summary: configured === 0 ? 'the image runs as root' : `the configured user resolves to ${configured ?? 'nothing'}, not ${want}`,
        evidence,
        fix,
      };
    }
    // Kubernetes' runAsNonRoot reads the image config, never its /etc/passwd: a name that
    // resolves here is still refused there, so the lab asks for the number itself.
    const name = spec.split(':')[0].trim();
    if (!/^\d+$/.test(name)) {
      return {
        status: 'fail',
        summary: `the user is the name "${name}": it is UID ${want} in this image, but a cluster's runAsNonRoot can only verify a number`,
        evidence,
        fix: `Write the number: \`USER ${want}:${want}\`.`,
      };
    }
    if (!userLine) evidence[1] += ` (UID ${want} comes from the base image's config)`;
    const run = obs.run;
    if (!run.pid1) {
      return {
        status: 'skipped',
        summary: 'the configured user is right, but the container did not run, so PID 1 could not be checked',
        evidence: [...evidence, run.startError ? `start failed: ${run.startError}` : 'no running process was observed'],
        fix: 'Fix the exec-entrypoint check first; this check needs a running container.',
      };
    }
    evidence.push(`PID 1 runs as UID ${run.pid1.uid}: ${run.pid1.args}`);
    if (run.pid1.uid !== want) return { status: 'fail', summary: `PID 1 runs as UID ${run.pid1.uid}, not ${want}`, evidence, fix };
    return { status: 'pass', summary: `PID 1 runs as UID ${want}`, evidence };
  },
});
