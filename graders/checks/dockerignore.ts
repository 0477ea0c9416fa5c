import picomatch from 'picomatch';
import { z } from 'zod';
import { defineCheck } from './types';

/** The Docker CLI always sends these, whatever .dockerignore says. */
const ALWAYS_SENT = new Set(['Dockerfile', '.dockerignore']);

/**
 * A lab's exclude pattern, read as a .dockerignore line relative to the
 * context root, except that a pattern without a slash matches a file or
 * folder name at any depth (`.git`, `*.env`), as a lab author means it.
 * A folder matches everything below it.
 */
export function excludeMatcher(pattern: string): (file: string) => boolean {
  const clean = pattern.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  const anyDepth = !clean.includes('/');
  const isMatch = picomatch(clean, { dot: true });
  return (file) => {
    const parts = file.split('/');
    for (let i = 1; i <= parts.length; i++) {
      if (anyDepth ? isMatch(parts[i - 1]) : isMatch(parts.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}

export const dockerignoreCheck = defineCheck({
  id: 'dockerignore',
  title: 'The build context leaves out what must stay out',
  anchor: 'rebuilding-after-an-edit',
  needs: ['context'] as const,
  /** `dockerignore`: what the build context must leave out, as .dockerignore patterns; one without a slash matches at any depth. */
  params: {
    key: 'dockerignore',
    schema: z.object({ exclude: z.array(z.string().min(1)).min(1) }).strict(),
    required: '`dockerignore.exclude` (patterns the build context must leave out)',
  },
  evaluate(obs, params) {
    const patterns = params.exclude;
    const ctx = obs.context;
    const judged = ctx.files.filter((f) => !ALWAYS_SENT.has(f));
    const evidence = [`.dockerignore: ${ctx.hasDockerignore ? 'present' : 'none'}`, `the engine received ${ctx.files.length} file${ctx.files.length === 1 ? '' : 's'}`];
    const leaked: { pattern: string; files: string[] }[] = [];
    for (const pattern of patterns) {
      const m = excludeMatcher(pattern);
      const files = judged.filter(m);
      if (files.length) leaked.push({ pattern, files });
      evidence.push(`${pattern}: ${files.length ? `SENT ${files.length} file${files.length === 1 ? '' : 's'}: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}` : 'left out'}`);
    }
    if (!leaked.length) return { status: 'pass', summary: `the build context leaves out ${patterns.join(', ')}`, evidence };
    const all = [...new Set(leaked.flatMap((l) => l.files))];
    const lines = leaked.map(({ pattern, files }) => {
      const p = pattern.trim().replace(/\/+$/, '');
      // A .dockerignore line without a slash matches at the root only; nested files need `**/`.
      const atRoot = picomatch(p.replace(/^\/+/, ''), { dot: true });
      return !p.includes('/') && files.some((f) => !atRoot(f.split('/')[0])) ? `**/${p}` : p;
    });
    return {
      status: 'fail',
      summary: `the build context sent ${all.length} file${all.length === 1 ? '' : 's'} that must stay out: ${all.slice(0, 3).join(', ')}${all.length > 3 ? ', …' : ''}`,
      evidence,
      fix: `${ctx.hasDockerignore ? 'Add to your .dockerignore' : 'Create a .dockerignore next to the Dockerfile with'} the lines ${lines.map((l) => `\`${l}\``).join(', ')}: whatever the context holds can reach a layer with \`COPY . .\`, and every file sent slows the build and breaks its cache.`,
    };
  },
});
