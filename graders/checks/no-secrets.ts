import { CREDENTIAL_ENV_NAMES, matchContent, redact } from '../observe/secret-patterns';
import { defineCheck } from './types';
import { mb, stepText } from './util';

export const noSecretsCheck = defineCheck({
  id: 'no-secrets',
  title: 'No credential is in any layer, ENV or build argument',
  anchor: 'rebuilding-after-an-edit',
  needs: ['image', 'layers'] as const,
  evaluate(obs) {
    const scan = obs.layerScan;
    const n = scan.layers.length;
    const problems: string[] = [];
    // One line per file: a key found by its path and by its content is one credential.
    const byFile = new Map<string, typeof scan.findings>();
    for (const f of scan.findings) {
      const layer = scan.layers[f.layer];
      if (!layer || layer.fromLab) continue;
      const key = `${f.layer}\0${f.path}`;
      byFile.set(key, [...(byFile.get(key) ?? []), f]);
    }
    for (const fs of byFile.values()) {
      const f = fs[0];
      const what = fs.map((x) => `${x.kind}${x.sample ? ` (${x.sample})` : ''}`).join(', ');
      problems.push(
        `layer ${f.layer + 1}/${n}, made by \`${stepText(scan.layers[f.layer].step)}\`: /${f.path} holds: ${what}` +
          (fs.some((x) => x.deletedLater) ? '; a later step deletes it, but this layer still ships it' : ''),
      );
    }
    for (const env of obs.image.Config?.Env ?? []) {
      const eq = env.indexOf('=');
      const name = eq < 0 ? env : env.slice(0, eq);
      const value = eq < 0 ? '' : env.slice(eq + 1);
      const hits = matchContent(value);
      if (hits.length) for (const h of hits) problems.push(`ENV ${name} in the image config holds a ${h.kind} (${h.sample})`);
      else if (CREDENTIAL_ENV_NAMES.test(name) && value !== '') problems.push(`ENV ${name} in the image config is set (${redact(value)}): a credential by its name`);
    }
    scan.history.forEach((h, i) => {
      // ENV lines are reported from the config above; ARG values and RUN steps that saw build arguments are here.
      if (/^(\/bin\/sh -c #\(nop\) )?ENV\s/.test(h.createdBy)) return;
      for (const hit of matchContent(h.createdBy)) problems.push(`build history step ${i + 1}, \`${stepText(h.createdBy)}\`: a ${hit.kind} (${hit.sample}) is recorded in the image`);
    });
    const own = scan.layers.filter((l) => !l.fromLab).length;
    const scanned = [
      `scanned ${own} layer${own === 1 ? '' : 's'} of yours (${n - own} of the lab's base images not judged), the config's ENV and ${scan.history.length} history steps`,
      `read ${mb(scan.scannedBytes)} of file content: up to ${mb(scan.limits.perFileBytes)} per file, ${mb(scan.limits.totalBytes)} in all${scan.truncatedFiles ? `; ${scan.truncatedFiles} larger files read in part` : ''}`,
      ...(scan.totalCapReached ? [`the ${mb(scan.limits.totalBytes)} bound was reached: later files were judged by their path alone`] : []),
    ];
    if (problems.length === 0) {
      return { status: 'pass', summary: 'no private key, .env file, cloud credential or token was found in the image', evidence: scanned };
    }
    return {
      status: 'fail',
      summary: `the image carries ${problems.length === 1 ? 'a credential' : `${problems.length} credentials`}: ${problems[0].replace(/^layer \d+\/\d+, made by `[^`]*`: /, '')}`,
      evidence: [...problems, ...scanned],
      fix:
        'Keep credentials out of the image: list such files in .dockerignore so the build never sees them, and never COPY them; deleting a file in a later step leaves it in the earlier layer. ' +
        'A build that needs a credential reads it from a secret mount (`RUN --mount=type=secret,…`), never ARG or ENV, which the image records; a running container gets it from its environment at `docker run` or from a Kubernetes Secret.',
    };
  },
});
