import { isExecForm } from '../dockerfile/parse';
import { z } from 'zod';
import { defineCheck } from './types';
import { isShellCommand, where } from './util';

export const cmdArgsCheck = defineCheck({
  id: 'cmd-args',
  title: 'Arguments to docker run reach the program',
  anchor: 'entrypoint-and-cmd',
  needs: ['image', 'args-run'] as const,
  /** `cmdArgs`: arguments the grader appends (`docker run IMAGE ARG…`), and whether ENTRYPOINT must hold the program and CMD its default flags. */
  params: {
    key: 'cmdArgs',
    schema: z.object({ extraArgs: z.array(z.string().min(1)).min(1), requireSplit: z.boolean().default(true) }).strict(),
    required: '`cmdArgs.extraArgs` (the arguments the grader appends to `docker run IMAGE`)',
  },
  inputs: { 'args-run': (params) => ({ args: params.extraArgs }) },
  evaluate(obs, params) {
    const extra = params.extraArgs;
    const shown = extra.join(' ');
    const ep = obs.image.Config?.Entrypoint ?? [];
    const cmd = obs.image.Config?.Cmd ?? [];
    const final = obs.dockerfile?.stages.at(-1)?.instructions ?? [];
    const epLine = final.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
    const cmdLine = final.filter((i) => i.keyword === 'CMD').at(-1);
    const evidence = [`image entrypoint: ${JSON.stringify(ep)}`, `image cmd: ${JSON.stringify(cmd)}`];
    if (epLine) evidence.push(where(epLine));
    if (cmdLine) evidence.push(where(cmdLine));
    const splitFix = `Put the program in an exec-form ENTRYPOINT and its default flags in CMD, e.g. \`ENTRYPOINT ["/catalog"]\` and \`CMD ["--port=8080"]\`: then \`docker run IMAGE ${shown}\` replaces only the flags.`;
    // Shell form as written, or as Docker records it; an exec-form `sh -c` is judged by what reaches PID 1.
    const shellForm = epLine ? !isExecForm(epLine) : ep.length >= 3 && ep[0] === '/bin/sh' && ep[1] === '-c';
    if (ep.length === 0 && params.requireSplit) {
      return { status: 'fail', summary: `the image has no ENTRYPOINT, so \`docker run IMAGE ${shown}\` replaces the program itself`, evidence, fix: splitFix };
    }
    if (shellForm) {
      return { status: 'fail', summary: 'the ENTRYPOINT is shell form, which ignores CMD and every argument to docker run', evidence, fix: splitFix };
    }
    if (params.requireSplit && cmd.length === 0) {
      return { status: 'fail', summary: 'ENTRYPOINT holds the program but no CMD gives its default flags', evidence, fix: splitFix };
    }
    const variant = obs.argsRun;
    const run = variant.run;
    evidence.push(`run as \`${variant.how}\``);
    if (run.startError) {
      return {
        status: 'fail',
        summary: `\`docker run IMAGE ${shown}\` cannot start: ${run.startError}`,
        evidence,
        fix: ep.length === 0 ? `Without an ENTRYPOINT the engine tried to run \`${extra[0]}\` as the program. ${splitFix}` : splitFix,
      };
    }
    if (!run.pid1) {
      const early = run.exitedEarly;
      return {
        status: 'fail',
        summary: early ? `with \`${shown}\` the container exited at once with code ${early.exitCode}` : 'no PID 1 was observed',
        evidence: [...evidence, 'last log lines:', ...run.logTail.map((l) => `| ${l}`)],
        fix: `The program must accept \`${shown}\`; run \`docker run --rm IMAGE ${shown}\` and read why it stops.`,
      };
    }
    evidence.push(`PID 1: ${run.pid1.args}`);
    const got = run.pid1.args.trim();
    if (isShellCommand(got) || !(got === shown || got.endsWith(` ${shown}`))) {
      return {
        status: 'fail',
        summary: `the arguments did not reach the program: PID 1 is \`${got.slice(0, 80)}\``,
        evidence,
        fix: `${splitFix} A wrapper script must pass its arguments on with \`exec /catalog "$@"\`.`,
      };
    }
    return { status: 'pass', summary: `PID 1 received \`${shown}\`: ${got.slice(0, 80)}`, evidence };
  },
});
