import { defineCheck } from './types';

export const gracefulStopCheck = defineCheck({
  id: 'graceful-stop',
  title: 'The container stops gracefully on SIGTERM',
  anchor: 'stopping-it-sigterm-exec-form-and-pid-1',
  needs: ['run'] as const,
  evaluate(obs) {
    const grace = obs.lab.thresholds.gracePeriodSeconds;
    const probe = obs.lab.thresholds.readiness;
    const run = obs.run;
    const logs = run.logTail.map((l) => `| ${l}`);
    if (run.startError) {
      return { status: 'skipped', summary: 'the container did not start', evidence: [run.startError], fix: 'Fix the exec-entrypoint check first.' };
    }
    if (!run.ready) {
      const early = run.exitedEarly;
      return {
        status: 'fail',
        summary: early
          ? `the container exited (code ${early.exitCode}${early.oomKilled ? ', killed for using too much memory' : ''}) before GET ${probe.path} answered`
          : `GET ${probe.path} on port ${probe.port} did not answer within ${probe.timeoutSeconds} s`,
        evidence: ['last log lines:', ...logs],
        fix: `The service must listen on port ${probe.port} (the PORT default) and answer ${probe.path}; check that EXPOSE and the program agree.`,
      };
    }
    const stop = run.stop;
    if (!stop) return { status: 'error', summary: 'the container was not stopped', evidence: [] };
    const secs = (stop.elapsedMs / 1000).toFixed(2);
    const evidence = [`ready after ${((run.readyAfterMs ?? 0) / 1000).toFixed(2)} s`, `stopped with a ${grace} s grace period: exited after ${secs} s with code ${stop.exitCode}`, 'last log lines:', ...logs];
    // Judged by how it ended, not by our wall clock: docker stop sends SIGKILL when the grace
    // period runs out (exit 137), so exit 0 means the program ended by itself within it, however
    // slowly a loaded engine answered the stop call.
    if (stop.exitCode === 0 && !stop.oomKilled) {
      return { status: 'pass', summary: `exited 0 after ${secs} s of a ${grace} s grace period`, evidence };
    }
    if (stop.exitCode === 137) {
      return {
        status: 'fail',
        summary: `still running after the ${grace} s grace period; killed with SIGKILL (exit ${stop.exitCode}) after ${secs} s`,
        evidence,
        fix: 'SIGTERM never reached your program or was ignored. Use an exec-form ENTRYPOINT so the program is PID 1; a PID 1 has no default signal handlers, so the program must handle SIGTERM itself (the catalog does).',
      };
    }
    return {
      status: 'fail',
      summary: `exited with code ${stop.exitCode} instead of 0 on SIGTERM`,
      evidence,
      fix: 'On SIGTERM the program should finish in-flight requests and exit 0; read its last log lines above.',
    };
  },
});
