import { isExecForm } from '../dockerfile/parse';
import { defineCheck } from './types';
import { isShellCommand, where } from './util';

export const execEntrypointCheck = defineCheck({
  id: 'exec-entrypoint',
  title: 'The entrypoint is exec form and the app is PID 1',
  anchor: 'stopping-it-sigterm-exec-form-and-pid-1',
  needs: ['image', 'run'] as const,
  evaluate(obs) {
    const entrypoint = obs.image.Config?.Entrypoint ?? [];
    const ins = obs.dockerfile?.stages.at(-1)?.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
    const evidence = [`image entrypoint: ${JSON.stringify(entrypoint)}`];
    if (ins) evidence.push(`${where(ins)}`);
    const execFix = 'Write the entrypoint as a JSON array, e.g. `ENTRYPOINT ["/catalog"]`, so the binary itself is PID 1 and receives SIGTERM.';
    if (!entrypoint || entrypoint.length === 0) {
      return { status: 'fail', summary: 'the image has no ENTRYPOINT', evidence, fix: execFix };
    }
    // Shell form in the Dockerfile is the mistake to name; an exec-form `sh -c` is judged by who ends up as PID 1,
    // because bash and busybox exec a lone command and leave the program as PID 1.
    const shellForm = ins ? !isExecForm(ins) : entrypoint.length >= 3 && entrypoint[0] === '/bin/sh' && entrypoint[1] === '-c';
    if (obs.run.startError) {
      const missingShell = /\/bin\/sh|no such file or directory/i.test(obs.run.startError) && shellForm;
      return {
        status: 'fail',
        summary: missingShell
          ? 'the container cannot start: the shell form runs your command through /bin/sh, and this image has no /bin/sh'
          : 'the container cannot start',
        evidence: [...evidence, `engine: ${obs.run.startError}`],
        fix: execFix,
      };
    }
    if (shellForm) {
      return { status: 'fail', summary: 'the entrypoint is shell form: a shell wraps your program', evidence, fix: execFix };
    }
    const pid1 = obs.run.pid1;
    if (!pid1) {
      const early = obs.run.exitedEarly;
      return {
        status: 'fail',
        summary: early ? `the container exited at once with code ${early.exitCode}` : 'no PID 1 was observed',
        evidence: [...evidence, ...obs.run.logTail.map((l) => `| ${l}`)],
        fix: 'Run the image locally (`docker run --rm IMAGE`) and read why the program stops.',
      };
    }
    evidence.push(`PID 1: ${pid1.args}`);
    if (isShellCommand(pid1.args)) {
      return {
        status: 'fail',
        summary: `PID 1 is a shell (${pid1.args.split(/\s+/)[0]}), not your program`,
        evidence,
        fix: `${execFix} A wrapper script must end with \`exec "$@"\` or \`exec /catalog\`.`,
      };
    }
    return { status: 'pass', summary: `exec form; PID 1 is ${pid1.args.split(/\s+/)[0]}`, evidence };
  },
});
