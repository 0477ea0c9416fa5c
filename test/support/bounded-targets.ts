// What the bounded child processes of test/unit/hostile-limits.test.ts run (see bounded.ts).
import { readFileSync } from 'node:fs';
import { readDockerfile } from '../../graders/dockerfile/read';
import { copiesFile } from '../../graders/dockerfile/parse';
import { contextFiles } from '../../graders/submission/context';
import { checkDockerfilePolicy } from '../../graders/dockerfile/policy';
import { openSubmission, SubmissionError, type OpenOptions } from '../../graders/submission/open';

/** The reader and the rules over a Dockerfile on disk: what each refused, in order. */
export function judgeDockerfileFile(path: string, images: string[]): { reader: string[]; rules: string[]; stages: number } {
  const text = readFileSync(path, 'utf8');
  const df = readDockerfile(text);
  const rules = checkDockerfilePolicy(df, { images: images.map((ref) => ({ ref })) });
  return { reader: df.refusals.map((r) => r.message), rules: rules.map((r) => r.message), stages: df.stages.length };
}

/** 'opened', or the student-facing reason a submission was refused. */
export async function openReason(source: string, opts: OpenOptions): Promise<string> {
  try {
    (await openSubmission(source, opts)).dispose();
    return 'opened';
  } catch (err) {
    if (err instanceof SubmissionError) return `refused: ${err.reason} | ${err.fix}`;
    throw err;
  }
}

/** The files the build context would hold. */
export function contextFilesOf(dir: string): string[] {
  return contextFiles(dir);
}

/** Whether a COPY of `source` brings `file` in, as the cache probe asks. */
export function copiesOf(source: string, file: string): boolean {
  const df = readDockerfile(`FROM scratch\nCOPY ${source} /x/\n`);
  return copiesFile(df.stages[0].instructions[1], file);
}
