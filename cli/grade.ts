import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommand, UsageError, type Values } from './args';
import { labDirOf } from './lab-arg';
import { connect } from '../graders/engine/connect';
import { gradeSubmission, reportExitCode } from '../graders/grade/grade';
import { loadLab } from '../graders/lab/load';
import { renderJson } from '../graders/report/json';
import { renderJunit } from '../graders/report/junit';
import { renderTerminal } from '../graders/report/terminal';
import { SourceError } from '../lib/yaml-schema';
import { CHECKS } from '../graders/checks';
import { interruptGrading } from './interrupt';
import { defaultJobs, gradeBatch } from '../graders/class/batch';
import { studentsPerHour } from '../graders/report/model';
import { Progress } from './progress';
import { CLASS_OPTIONS_HELP, classOptionSpecs, classOptionsFrom } from './class-options';
import { resolveShard, shardName, ShardError, type ShardSpec } from '../graders/class/shard';
import { engineSlots, EngineSpecError, type EngineSlot } from '../graders/engine/specs';
import type { Lab } from '../graders/lab/load';

/**
 * Where "read:" links point when no --book is given: the address the course
 * publishes its book at (course.yaml `url`), else the course's built site/
 * folder next to the lab; else the feedback names the page and section.
 */
function defaultBook(lab: Lab): string | undefined {
  const manifest = resolve(lab.dir, '../../course.yaml');
  if (existsSync(manifest)) {
    const url = (parseYaml(readFileSync(manifest, 'utf8')) as { url?: unknown } | null)?.url;
    if (typeof url === 'string' && /^https?:\/\//.test(url)) return url;
  }
  const site = resolve(lab.dir, '../../site');
  return existsSync(site) ? pathToFileURL(site).href : undefined;
}

function loadLabOrExit(dir: string, buildTimeout?: number): Lab | number {
  try {
    const lab = loadLab(labDirOf(dir));
    if (buildTimeout) lab.limits.buildTimeoutSeconds = buildTimeout;
    return lab;
  } catch (err) {
    if (err instanceof SourceError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function batchCommand(positionals: string[], values: Values<typeof gradeSpec.options>): Promise<number> {
  if (positionals.length !== 1 || values.out === undefined) throw new UsageError('drydock grade: batch mode needs <lab-dir> --batch <submissions-dir> --out <results-dir> (see drydock grade --help)');
  const lab = loadLabOrExit(positionals[0], values['build-timeout']);
  if (typeof lab === 'number') return lab;
  const jobs = values.jobs ?? defaultJobs();
  let shard: ShardSpec | undefined;
  let engines: EngineSlot[];
  try {
    shard = resolveShard(values.shard, values.shards);
    engines = engineSlots(values.engine, values['engines-file']);
  } catch (err) {
    if (!(err instanceof ShardError || err instanceof EngineSpecError)) throw err;
    process.stderr.write(`drydock grade: ${err.message}\n`);
    return 2;
  }
  if (engines.length && values.jobs) {
    process.stderr.write('drydock grade: with --engine, give each engine its own concurrency (URL#jobs=N) instead of -j\n');
    return 2;
  }
  const classOptions = classOptionsFrom(values, lab, values.out);
  values.book ??= defaultBook(lab);
  const docker = engines.length ? engines[0].docker : connect();
  const interrupt = interruptGrading(engines.length ? engines.map((e) => e.docker) : [docker], () =>
    process.stderr.write(`drydock: stopped; finished students are saved, run the same command again to continue${shard ? ` (shard ${shardName(shard)})` : ''}\n`),
  );
  const progress = new Progress();
  const say = (line: string) => !values.quiet && process.stderr.write(`drydock: ${line}\n`);
  if (shard) say(`shard ${shardName(shard)} (from ${shard.source}): grading only this shard's students`);
  if (engines.length > 1) say(`${engines.length} engines: ${engines.map((e) => `${e.name} (${e.jobs} at a time)`).join(', ')}`);
  try {
    const result = await interrupt.track(gradeBatch(lab, values.batch!, values.out, {
      docker,
      jobs,
      // Every engine named goes as a slot, one included: its URL decides where BuildKit's cap can be written.
      engines: engines.length ? engines : undefined,
      shard,
      regrade: Boolean(values.regrade),
      rosterFile: values.roster,
      bookBase: values.book,
      classOptions,
      signal: interrupt.signal,
      activeRuns: interrupt.activeRuns,
      onStart: (total, toGrade) => !values.quiet && progress.begin(total, toGrade),
      onRetry: (s, why) => say(`${s.id}: not final (${why}); graded again alone after the class`),
      onEngine: (name, event, detail) => say(event === 'down' ? `engine ${name} ${detail}: its students go to the other engines` : `engine ${name} ${detail}`),
      onStudent: (o, done) =>
        !values.quiet &&
        progress.step(
          `${o.student.id}: ${o.status}${o.report && o.status !== 'missing' ? ` ${o.report.score}/${o.report.maxScore}` : ''}${o.reused ? ' (unchanged, kept)' : ''}${o.attempts > 1 ? ' (retried)' : ''}${o.engine ? ` [${o.engine}]` : ''}${o.requeued ? ` (moved off a lost engine${o.requeued > 1 ? ` ${o.requeued}×` : ''})` : ''}`,
          done,
          !o.reused,
          o.engine,
        ),
    }));
    const infra = result.outcomes.filter((o) => o.status === 'infrastructure error').length;
    for (const e of result.engines) say(`engine ${e.name}: ${e.graded} graded, ${studentsPerHour(e.graded, e.wallMs)} students/hour${e.requeued ? `, ${e.requeued} moved off when it stopped answering` : ''}${e.up ? '' : ' (not answering at the end)'}`);
    const retried = result.outcomes.filter((o) => o.retried && !o.reused);
    if (retried.length) say(`${retried.length} student(s) graded again alone after the class; ${retried.filter((o) => o.status === 'infrastructure error').length} still an infrastructure error`);
    say(`${result.outcomes.length} student(s) in ${(result.durationMs / 1000).toFixed(0)} s; results in ${values.out}/gradebook.csv`);
    return infra ? 2 : 0;
  } catch (err) {
    process.stderr.write(`drydock grade: ${(err as Error).message}\n`);
    return 2;
  } finally {
    interrupt.release();
  }
}

const HELP = `Usage: drydock grade <lab-dir|lab-id> <submission> [options]
       drydock grade <lab-dir> --batch <submissions-dir> --out <results-dir> [-j N] [--regrade] [--roster FILE]
                     [--shard I/N | --shards N] [--engine URL]... [--engines-file FILE]

Builds <submission> (a folder, .zip, .tar or .tar.gz holding a Dockerfile) in the
Docker engine named by DOCKER_HOST (or the default socket) and runs the checks the
lab scores (its lab.yaml \`points\`), from these:
${CHECKS.map((c) => `  ${c.id.padEnd(16)} ${c.title}`).join('\n')}

Options:
  --format terminal|json|junit   report format (default: terminal)
  --out FILE                     write the report to FILE instead of stdout
  --book URL                     base URL of the course book for "read:" links (default for a
                                 single grade: the course's built site/ folder, when present)
  -q, --quiet                    no progress lines on stderr

Batch mode (a whole class): every folder, .zip or .tar(.gz) in <submissions-dir> is one
student, named by the entry. Writes gradebook.csv, summary.html, junit.xml and, per student,
report.json, feedback.md/.html, results.json (Gradescope) and build.log. A re-run skips
students whose submission and lab are unchanged; Ctrl-C stops cleanly and a re-run continues.
  --batch DIR                    grade every submission in DIR
  -j, --jobs N                   submissions graded at once (default: ${defaultJobs()})
  --regrade                      grade everyone again, even if unchanged
  --roster FILE                  CSV with id,name,email; lists who submitted nothing
  --build-timeout SECONDS        override the lab's build time limit

${CLASS_OPTIONS_HELP}
Shards (one class over N machines or CI jobs; merge with 'drydock gradebook merge'):
  --shard I/N                    grade only shard I of N (1-based); a student's shard is a hash of
                                 their id, so it is the same on every machine and every re-run
  --shards N                     take the index from the scheduler: JOB_COMPLETION_INDEX (Kubernetes
                                 Indexed Job), AWS_BATCH_JOB_ARRAY_INDEX; CI_NODE_INDEX/CI_NODE_TOTAL
                                 (GitLab parallel) and SLURM_ARRAY_TASK_ID/_COUNT need no --shards

Several engines from this machine (each student graded wholly on one):
  --engine URL[#jobs=N]          unix:///path, tcp://host:2376 (TLS: #certs=DIR with ca.pem, cert.pem,
                                 key.pem, or DOCKER_CERT_PATH), tcp://host:2375, ssh://user@host;
                                 repeat for each engine (default jobs: 2)
  --engines-file FILE            one engine URL a line (# starts a comment line)
  -h, --help                     this help

Exit codes: 0 every check passed, 1 a check failed, 2 usage or infrastructure error.
`;

export const gradeSpec = {
  name: 'grade',
  help: HELP,
  options: {
    format: { type: 'string', default: 'terminal', choices: ['terminal', 'json', 'junit'] },
    out: { type: 'string' },
    book: { type: 'string' },
    batch: { type: 'string' },
    jobs: { type: 'integer', short: 'j', min: 1 },
    regrade: { type: 'boolean' },
    roster: { type: 'string' },
    'build-timeout': { type: 'integer', min: 1 },
    shard: { type: 'string' },
    shards: { type: 'string' },
    engine: { type: 'string', multiple: true },
    'engines-file': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    ...classOptionSpecs,
  },
  positionals: { min: 1, max: 2, what: '<lab-dir> <submission>' },
} as const;

export async function gradeCommand(argv: string[]): Promise<number> {
  const args = parseCommand(gradeSpec, argv);
  if (!args) return 0;
  const { values, positionals } = args;
  if (values.batch) return batchCommand(positionals, values);
  if (positionals.length !== 2) throw new UsageError('drydock grade: expected <lab-dir> <submission> (see drydock grade --help)');
  if (!existsSync(positionals[1])) {
    process.stderr.write(`drydock grade: no such submission: ${positionals[1]} (give a folder, .zip, .tar or .tar.gz)\n`);
    return 2;
  }
  const lab = loadLabOrExit(positionals[0], values['build-timeout']);
  if (typeof lab === 'number') return lab;
  values.book ??= defaultBook(lab);
  const docker = connect();
  const interrupt = interruptGrading([docker]);
  try {
    const report = await interrupt.track(gradeSubmission(lab, positionals[1], {
      docker,
      signal: interrupt.signal,
      bookBase: values.book,
      onRunStart: (id) => interrupt.activeRuns.add(id),
      progress: values.quiet ? undefined : (line) => process.stderr.write(`drydock: ${line}\n`),
    }));
    const text = values.format === 'json' ? renderJson(report) : values.format === 'junit' ? renderJunit([report]) : renderTerminal(report);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    if (values.out && !values.quiet) process.stderr.write(`drydock: score ${report.score}/${report.maxScore}, report written to ${values.out}\n`);
    return reportExitCode(report);
  } finally {
    interrupt.release();
  }
}
