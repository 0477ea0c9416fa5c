import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StudentEntry } from '../report/model';

export type { StudentEntry } from '../report/model';

const ARCHIVE = /\.(zip|tar|tgz|tar\.gz)$/i;

/** Roster columns as LMS exports name them. */
const COLUMNS = { id: ['id', 'student_id', 'student id', 'sid'], name: ['name', 'full name'], email: ['email', 'e-mail'] };

/**
 * Reads a roster CSV with a header naming `id` (or `student_id`), and
 * optionally `name` and `email`. csv-parse reads what spreadsheets write:
 * quoted commas and newlines, doubled quotes, a byte-order mark, CRLF.
 */
export function readRoster(file: string): StudentEntry[] {
  let rows: string[][];
  try {
    rows = parse(readFileSync(file, 'utf8'), { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (err) {
    throw new Error(`${file}: not a readable CSV roster (${(err as Error).message})`);
  }
  if (!rows.length) throw new Error(`${file}: the roster is empty; it needs a header with an "id" column`);
  const header = rows[0].map((h) => h.toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const [idCol, nameCol, emailCol] = [col(COLUMNS.id), col(COLUMNS.name), col(COLUMNS.email)];
  if (idCol < 0) throw new Error(`${file}: the header needs an "id" column (found: ${header.join(', ')})`);
  return rows
    .slice(1)
    .filter((c) => c[idCol])
    .map((c) => ({
      id: c[idCol],
      name: nameCol >= 0 ? c[nameCol] : undefined,
      email: emailCol >= 0 ? c[emailCol] : undefined,
      columns: Object.fromEntries(header.map((h, i) => [h, c[i] ?? ''])),
    }));
}

/** One student per entry of the folder: a subfolder or an archive, named by the student id. */
export function listSubmissions(dir: string): StudentEntry[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .filter((n) => statSync(join(dir, n)).isDirectory() || ARCHIVE.test(n))
    .sort()
    .map((n) => ({ id: n.replace(ARCHIVE, ''), path: join(dir, n) }));
}

/** The class in gradebook order: the roster's students first (with or without a submission), then anyone else who submitted. */
export function classList(submissionsDir: string, rosterFile?: string): StudentEntry[] {
  const found = listSubmissions(submissionsDir);
  if (!rosterFile) return found;
  const roster = readRoster(rosterFile);
  const onRoster = new Set(roster.map((r) => r.id));
  const paths = new Map(found.map((f) => [f.id, f.path]));
  return [...roster.map((r) => ({ ...r, path: paths.get(r.id) })), ...found.filter((f) => !onRoster.has(f.id))];
}
