import { resolve } from 'node:path';
import { LabSchema, type Lab } from '../lab/load';
import type { StudentEntry } from './outcome';
import { MANIFEST_FILE, ResultsError, ResultsFolder, type ClassOptions, type ClassRow, type ShardManifest } from './results';
import { readRoster } from './roster';
import type { ShardSpec } from './shard';
import { parseYamlWith } from '../../lib/yaml-schema';

/** Why shard outputs cannot be combined, said plainly; nothing is written. */
export class MergeError extends Error {}

export interface MergeResult {
  students: number;
  shards: ShardSpec[];
  infrastructureErrors: number;
  missing: number;
}

interface Shard {
  dir: string;
  folder: ResultsFolder;
  manifest: ShardManifest;
  spec: ShardSpec;
}

function readShard(dir: string): Shard {
  const folder = new ResultsFolder(dir);
  let manifest: ShardManifest;
  try {
    manifest = folder.readManifest();
  } catch (err) {
    if (err instanceof ResultsError) throw new MergeError(err.message);
    throw err;
  }
  if (manifest.interrupted) throw new MergeError(`${dir}: that run was interrupted before every student was graded; run the same grade command again, then merge`);
  return { dir, folder, manifest, spec: manifest.shard ?? { index: 1, count: 1, source: 'unsharded batch' } };
}

const name = (s: Shard) => `shard ${s.spec.index}/${s.spec.count} (${s.dir})`;

/**
 * Combines the outputs of `drydock grade --batch --shard I/N` into one
 * gradebook, summary, JUnit file and the per-student files. Refuses, before
 * writing anything, shards graded against different lab versions, a shard
 * given twice or missing, a student graded in two shards, and (with the
 * roster) a roster student who is in no shard.
 */
export function mergeShards(dirs: string[], outDir: string, opts: { rosterFile?: string; classOptions?: (lab: Lab) => ClassOptions } = {}): MergeResult {
  if (!dirs.length) throw new MergeError('no shard results given');
  const out = resolve(outDir);
  for (const d of dirs) if (resolve(d) === out) throw new MergeError(`${d}: the merged gradebook needs its own --out folder, not one of the shards`);
  const shards = dirs.map(readShard);

  const labs = new Map<string, Shard[]>();
  for (const s of shards) labs.set(s.manifest.lab.hash, [...(labs.get(s.manifest.lab.hash) ?? []), s]);
  if (labs.size > 1) {
    throw new MergeError(
      `the shards were graded against different versions of the lab:\n${[...labs.entries()].map(([h, ss]) => `  lab ${ss[0].manifest.lab.id} ${h.slice(0, 12)}: ${ss.map(name).join(', ')}`).join('\n')}\nre-grade the older shards with the current lab.yaml (their unchanged students are re-graded, since the lab changed)`,
    );
  }
  const counts = new Set(shards.map((s) => s.spec.count));
  if (counts.size > 1) throw new MergeError(`the shards split the class differently: ${shards.map(name).join(', ')}; every shard must be I/N with the same N`);
  const count = shards[0].spec.count;
  const byIndex = new Map<number, Shard>();
  for (const s of shards) {
    const twin = byIndex.get(s.spec.index);
    if (twin) throw new MergeError(`shard ${s.spec.index}/${count} is given twice: ${twin.dir} and ${s.dir}`);
    byIndex.set(s.spec.index, s);
  }
  const absent = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (absent.length) throw new MergeError(`shard${absent.length > 1 ? 's' : ''} ${absent.map((i) => `${i}/${count}`).join(', ')} missing: every shard of ${count} must be merged (got ${[...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${count}`).join(', ')})`);

  const where = new Map<string, Shard>();
  for (const s of shards) {
    for (const st of s.manifest.students) {
      const other = where.get(st.id);
      if (other) throw new MergeError(`student ${st.id} is graded twice: in ${name(other)} and in ${name(s)}; were the shards run with different --shard counts or submission folders?`);
      where.set(st.id, s);
    }
  }
  if (opts.rosterFile) {
    const lost = readRoster(opts.rosterFile).filter((r) => !where.has(r.id));
    if (lost.length) throw new MergeError(`${lost.length} student(s) on the roster are in no shard: ${lost.map((r) => r.id).slice(0, 20).join(', ')}${lost.length > 20 ? ', …' : ''}; was a shard graded without --roster or from another submissions folder?`);
  }

  const first = shards[0].manifest;
  const parsed = parseYamlWith(LabSchema, first.lab.definition, `${shards[0].dir}/${MANIFEST_FILE} (lab ${first.lab.id})`);
  if (!parsed.ok) throw new MergeError(`the lab definition recorded in ${shards[0].dir} no longer reads: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const lab: Lab = { ...parsed.value, dir: '', definitionFile: '' };

  const entries = shards.flatMap((s) => s.manifest.students.map((st) => ({ st, shard: s }))).sort((a, b) => a.st.order - b.st.order);
  const classOptions = opts.classOptions?.(lab);
  // The roster's other columns (LMS identifiers, extensions) travel with each student to the class outputs.
  const columns = new Map((opts.rosterFile ? readRoster(opts.rosterFile) : []).map((r) => [r.id, r.columns]));
  const rows: ClassRow[] = entries.map(({ st, shard }) => {
    const student: StudentEntry = { id: st.id, name: st.name, email: st.email, columns: columns.get(st.id) };
    if (st.status === 'missing') return { student, status: st.status };
    let state;
    try {
      state = shard.folder.readState(st.id);
    } catch (err) {
      throw new MergeError(`${name(shard)} lists ${st.id} but ${(err as Error).message}; run that shard again`);
    }
    return { student, status: st.status, report: state.report, ...(st.retried ? { retried: st.retried } : {}), ...(state.time ? { time: state.time } : {}) };
  });

  // Everything checked: now write. A previous merge's student folders go first.
  const target = ResultsFolder.open(out);
  if (target.hasManifest()) {
    try {
      for (const st of target.readManifest().students) target.removeStudent(st.id);
    } catch {
      /* not a merge this version wrote: its folders stay */
    }
  }
  for (const { st, shard } of entries) target.copyStudentFrom(shard.folder, st.id);
  const longest = Math.max(...shards.map((s) => s.manifest.durationMs));
  const sorted = [...byIndex.values()].sort((a, b) => a.spec.index - b.spec.index);
  target.writeClassOutputs(lab, rows, longest, {
    shards: sorted.map((s) => ({ spec: s.spec, students: s.manifest.students.length, durationMs: s.manifest.durationMs, dir: s.dir })),
    engines: sorted.flatMap((s) => s.manifest.engines ?? []),
  }, { ...classOptions, policy: { deadline: lab.deadline, ...classOptions?.policy } });
  const merged: ShardManifest = {
    ...first,
    shard: null,
    students: entries.map((e) => e.st),
    durationMs: longest,
    startedAt: sorted.map((s) => s.manifest.startedAt).sort()[0],
    engines: sorted.flatMap((s) => s.manifest.engines ?? []),
    merged: sorted.map((s) => ({ dir: resolve(s.dir), shard: s.spec })),
  };
  target.writeManifest(merged);
  return {
    students: rows.length,
    shards: sorted.map((s) => s.spec),
    infrastructureErrors: rows.filter((r) => r.status === 'infrastructure error').length,
    missing: rows.filter((r) => r.status === 'missing').length,
  };
}
