/*
 * Runs the BuildKit oracles that scripts/oracle-up.sh builds: BuildKit's own
 * Dockerfile frontend code (parser, instruction parser, shell lexer,
 * dockerfile2llb), one binary per frontend generation, asked in one batch what
 * builds of many Dockerfiles would fetch, read and run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ORACLE_DIR = process.env.DRYDOCK_ORACLE_DIR ?? '/var/cache/drydock-oracle';

/** The frontend generations: the one Docker 20.10 embeds, and the one Debian's newest docker.io embeds. */
export const GENERATIONS = ['0.8', 'current'] as const;
export type Generation = (typeof GENERATIONS)[number];

export interface OracleRequest {
  id: string;
  dockerfile: string;
  allowedImages: string[];
  allowedUrls?: string[];
}

export interface OracleResult {
  id: string;
  generation: Generation;
  buildkit: string;
  parseError?: string;
  frontend?: { ref: string; cmdline: string };
  escapeToken?: string;
  /** The parser's reading: each instruction's keyword (lower case), lines, flags and words. */
  ast: { keyword: string; line: number; endLine: number; flags?: string[]; words: string[] }[];
  /** The same in the form of BuildKit's parser test `result` files. */
  astDump?: string;
  stages: { name?: string; from: string; line: number }[];
  baseImages: string[];
  targets: string[];
  sources: { identifier: string; attrs?: Record<string, string> }[];
  images: string[];
  urls: string[];
  mounts: { type: string; target: string; from?: string; id?: string }[];
  network: string[];
  security: string[];
  dangerous: string[];
}

export function oracleBinary(gen: Generation): string {
  return join(ORACLE_DIR, 'bin', `oracle-${gen}`);
}

/** Why the oracles cannot run here, or undefined when both are built. */
export function oracleMissing(): string | undefined {
  const missing = GENERATIONS.filter((g) => !existsSync(oracleBinary(g)));
  if (missing.length) return `BuildKit oracle not built (${missing.map(oracleBinary).join(', ')} missing): run scripts/oracle-up.sh as root`;
  return undefined;
}

/** One process per call; requests go in and answers come out as JSON lines, in order. */
export function runOracle(gen: Generation, requests: OracleRequest[]): OracleResult[] {
  const input = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const res = spawnSync(oracleBinary(gen), [], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`oracle-${gen} exited ${res.status}: ${res.stderr}`);
  const out = res.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OracleResult);
  if (out.length !== requests.length) throw new Error(`oracle-${gen} answered ${out.length} of ${requests.length} requests: ${res.stderr}`);
  return out;
}

export interface ParserTestFile {
  name: string;
  dockerfile: string;
  /** BuildKit's expected AST dump (the `result` file), when the test case has one. */
  result?: string;
}

/** BuildKit's own parser test files (frontend/dockerfile/parser/testfiles), as oracle-up.sh copied them from the same source. */
export function parserTestFiles(): ParserTestFile[] {
  const dir = join(ORACLE_DIR, 'testfiles');
  if (!existsSync(join(dir, 'index.txt'))) return [];
  return readFileSync(join(dir, 'index.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((name) => {
      const d = join(dir, name);
      const result = existsSync(join(d, 'result')) ? readFileSync(join(d, 'result'), 'utf8') : undefined;
      return { name, dockerfile: readFileSync(join(d, 'Dockerfile'), 'utf8'), result };
    });
}
