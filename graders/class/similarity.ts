import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../lab/load';

/**
 * Pairs of Dockerfiles in a class that are more alike than independent work
 * tends to be. Each file is reduced to its instructions (comments and blank
 * lines dropped, keyword and arguments lower-cased, whitespace removed,
 * continuations joined); lines the whole class was given (the starter's and
 * the handout's) are left out; two files are compared by the share of their
 * remaining lines they have in common (Jaccard). It informs an instructor and
 * never changes a grade.
 */

export interface SimilarPair {
  a: string;
  b: string;
  /** Shared lines / lines in either, after removing the given ones: 0..1. */
  score: number;
  shared: string[];
  /** Lines each had that were not given, for scale. */
  sizes: [number, number];
}

/** A Dockerfile as a list of normalised instruction lines. */
export function normaliseDockerfile(text: string): string[] {
  const joined = text.replace(/\r\n?/g, '\n').replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.toLowerCase().replace(/\s+/g, ''));
}

export function similarPairs(files: Map<string, string>, given: string[] = [], opts: { threshold?: number; minLines?: number } = {}): SimilarPair[] {
  const threshold = opts.threshold ?? 0.8;
  const minLines = opts.minLines ?? 3;
  const givenLines = new Set(given.flatMap(normaliseDockerfile));
  const sets = [...files].map(([id, text]) => [id, [...new Set(normaliseDockerfile(text).filter((l) => !givenLines.has(l)))]] as const);
  const pairs: SimilarPair[] = [];
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const [a, la] = sets[i];
      const [b, lb] = sets[j];
      if (la.length < minLines || lb.length < minLines) continue;
      const sb = new Set(lb);
      const shared = la.filter((l) => sb.has(l));
      const score = shared.length / new Set([...la, ...lb]).size;
      if (score >= threshold) pairs.push({ a, b, score: Math.round(score * 1000) / 1000, shared, sizes: [la.length, lb.length] });
    }
  }
  return pairs.sort((x, y) => y.score - x.score || y.shared.length - x.shared.length);
}

export function renderSimilarity(pairs: SimilarPair[], students: number): string {
  const out = ['# Similar Dockerfiles', '', `${students} Dockerfile(s) compared after leaving out what the starter and handout give everyone; ${pairs.length} pair(s) at or above the threshold. This informs; it changes no grade.`, ''];
  for (const p of pairs) {
    out.push(`## ${p.a} ~ ${p.b}: ${(p.score * 100).toFixed(0)}% (${p.shared.length} shared of ${p.sizes[0]} and ${p.sizes[1]} own lines)`, '', '```text', ...p.shared, '```', '');
  }
  return out.join('\n');
}

/** What the lab gives every student: the starter's Dockerfile and the Dockerfile blocks of the handout. */
export function givenDockerfiles(lab: Lab): string[] {
  const out: string[] = [];
  if (lab.starterDir && existsSync(join(lab.starterDir, 'Dockerfile'))) out.push(readFileSync(join(lab.starterDir, 'Dockerfile'), 'utf8'));
  if (lab.handout) for (const m of readFileSync(lab.handout, 'utf8').matchAll(/^```(?:dockerfile|Dockerfile)[^\n]*\n([\s\S]*?)^```/gm)) out.push(m[1]);
  return out;
}
