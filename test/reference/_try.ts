import { labDockerfiles, mutations } from './dockerfile-mutations';
import { runOracle } from './buildkit-oracle';
import { checkDockerfilePolicy } from '../../graders/dockerfile-policy';
const all = mutations(labDockerfiles('/work/wt/oracle'));
const t0 = Date.now();
const res = runOracle('0.8', all.map((m, i) => ({ id: String(i), dockerfile: m.text, allowedImages: m.images })));
console.log('oracle ms', Date.now() - t0);
const fam: Record<string, [number, number, number]> = {};
const t1 = Date.now();
const fails: string[] = [];
res.forEach((r, i) => {
  const m = all[i];
  const f = (fam[m.family] ??= [0, 0, 0]);
  f[0]++;
  if (r.dangerous.length) { f[1]++; const ok = checkDockerfilePolicy(m.text, { images: m.images.map(ref => ({ ref })) }).length > 0; if (!ok) { f[2]++; fails.push(m.id + ' ' + r.dangerous.join(';')); } }
});
console.log('policy ms', Date.now() - t1);
console.log(fam);
console.log(fails.join('\n'));
