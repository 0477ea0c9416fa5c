import { defineCheck } from './types';
import { stepsWithLines, tail, where } from './util';

export const buildCheck = defineCheck({
  id: 'build',
  title: 'The Dockerfile builds',
  anchor: 'the-catalog-dockerfile-line-by-line',
  needs: [],
  evaluate(obs) {
    if (obs.policy?.length) {
      const [first] = obs.policy;
      return {
        status: 'fail',
        summary: `refused before building: line ${first.line}: ${first.message}`,
        evidence: obs.policy.flatMap((v) => [`line ${v.line}: ${v.message}`, `  why: ${v.why}`]),
        fix: [...new Set(obs.policy.map((v) => v.fix))].join(' '),
      };
    }
    const b = obs.build;
    if (!b) return { status: 'fail', summary: 'the image was not built', evidence: obs.notes };
    const seconds = (b.durationMs / 1000).toFixed(1);
    if (b.status === 'built') {
      const steps = stepsWithLines(obs.dockerfile, b.steps);
      return {
        status: 'pass',
        summary: `built in ${seconds} s (${steps.length} steps, ${steps.filter((s) => s.step.cached).length} from cache)`,
        evidence: [`image ${b.imageId?.slice(7, 19)}`, ...obs.notes],
      };
    }
    if (b.status === 'timed-out') {
      const running = stepsWithLines(obs.dockerfile, b.steps).find((s) => s.step.started && !s.step.completed);
      return {
        status: 'fail',
        summary: `the build did not finish within the ${obs.lab.limits.buildTimeoutSeconds} s limit`,
        evidence: [running ? `still running: ${where(running.ins)}` : 'no step was running', ...tail(running?.step.log ?? [], 5)],
        fix: 'Look for a RUN step that never ends (a server started during the build, a loop, a prompt waiting for input) and remove it.',
      };
    }
    const failing = stepsWithLines(obs.dockerfile, b.steps).find((s) => s.step.error);
    if (failing) {
      return {
        status: 'fail',
        summary: `step failed at ${where(failing.ins)}`,
        evidence: [`error: ${failing.step.error}`, ...tail(failing.step.log).map((l) => `| ${l}`)],
        fix: failing.ins?.keyword === 'COPY' || failing.ins?.keyword === 'ADD'
          ? 'A COPY source must exist in your submission folder (paths are relative to it) or in the named stage.'
          : 'Run the same command locally with `docker build .` and read the output above the error.',
      };
    }
    return {
      status: 'fail',
      summary: 'the engine rejected the Dockerfile',
      evidence: [b.error ?? 'no error message', ...obs.notes],
      fix: 'Check the Dockerfile syntax on the line the message names; every instruction needs its arguments.',
    };
  },
});
