import type { ParsedDockerfile, DockerfileInstruction } from '../dockerfile/parse';
import { instructionForStep } from '../dockerfile/parse';
import type { BuildStep } from '../observe/buildkit-trace';
import { redactAll } from '../observe/secret-patterns';

export const mb = (bytes: number) => (bytes < 100_000 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

/** A history CreatedBy as the student wrote it: no `/bin/sh -c #(nop)`, no `# buildkit`, secrets redacted. */
export function stepText(createdBy: string | undefined): string {
  const s = (createdBy ?? '').replace(/^\/bin\/sh -c (#\(nop\) )?/, '').replace(/\s+# buildkit$/, '').trim();
  const r = redactAll(s);
  return r.length > 120 ? `${r.slice(0, 119)}…` : r || '(a step with no recorded command)';
}

export function tail(lines: string[], n = 10): string[] {
  return lines.filter((l) => l.trim() !== '').slice(-n);
}

/** `line 12: RUN go mod download` for feedback that points into the Dockerfile. */
export function where(ins: DockerfileInstruction | undefined): string {
  return ins ? `line ${ins.line}: ${ins.keyword} ${ins.args}` : 'an unknown line';
}

/** Build steps that come from Dockerfile instructions (not BuildKit's internal ones), with their source line. */
export function stepsWithLines(df: ParsedDockerfile | undefined, steps: BuildStep[]): { step: BuildStep; ins?: DockerfileInstruction }[] {
  return steps
    .filter((s) => s.name.startsWith('['))
    .filter((s) => !s.name.startsWith('[internal]'))
    .map((step) => ({ step, ins: df ? instructionForStep(df, step.name) : undefined }));
}

/** The UID a user spec (`name`, `uid`, `name:group`, `uid:gid`) resolves to through an /etc/passwd text. */
export function resolveUid(spec: string, passwd: string | undefined): number | undefined {
  const user = spec.split(':')[0].trim();
  if (user === '') return 0;
  if (/^\d+$/.test(user)) return Number(user);
  for (const line of (passwd ?? '').split('\n')) {
    const [name, , uid] = line.split(':');
    if (name === user && uid !== undefined && /^\d+$/.test(uid)) return Number(uid);
  }
  return undefined;
}

export const SHELLS = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox'];

export function isShellCommand(args: string): boolean {
  const first = args.trim().split(/\s+/)[0] ?? '';
  return SHELLS.includes(first.split('/').pop() ?? '');
}
