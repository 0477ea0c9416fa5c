// Shard arithmetic, scheduler environments and engine URLs: no engine needed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineSlots, parseEngineSpec } from '../../graders/engine/specs';
import { parseShard, resolveShard, shardFromEnv, shardOf } from '../../graders/class/shard';

describe('the shard partition', () => {
  it('is a function of the student id and the count alone, and balanced', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `s${i}`);
    const counts = [0, 0, 0, 0];
    for (const id of ids) counts[shardOf(id, 4) - 1]++;
    for (const c of counts) expect(Math.abs(c - 750)).toBeLessThan(75); // ±10 %, about 3 sigma
    // Stable: the same answer whoever else is in the class, on every call.
    expect(ids.map((id) => shardOf(id, 4))).toEqual(ids.map((id) => shardOf(id, 4)));
    expect(shardOf('alice', 3)).toBe(shardOf('alice', 3));
    expect(shardOf('anyone', 1)).toBe(1);
  });

  it('reads --shard I/N (1-based) and refuses nonsense', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3, source: '--shard' });
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0']) expect(() => parseShard(bad), bad).toThrow();
    expect(() => resolveShard('1/3', '4', {})).toThrow(/disagree/);
  });

  it('takes the index from Kubernetes, GitLab, Slurm and AWS Batch, and says which', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0' }, 3)).toMatchObject({ index: 1, count: 3, source: expect.stringMatching(/Kubernetes/) });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '0' })).toThrow(/--shards N/);
    expect(shardFromEnv({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '2' })).toMatchObject({ index: 2, count: 2, source: expect.stringMatching(/GitLab/) });
    expect(() => shardFromEnv({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '2' }, 3)).toThrow(/says 2 shards/);
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '4' })).toMatchObject({ index: 1, count: 4 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toMatchObject({ index: 4, count: 4, source: expect.stringMatching(/Slurm/) });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '9' }, 10)).toMatchObject({ index: 10, count: 10, source: expect.stringMatching(/AWS/) });
    expect(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '10' }, 10)).toThrow(/does not exist/);
    expect(shardFromEnv({})).toBeUndefined();
    expect(() => shardFromEnv({}, 3)).toThrow(/needs a shard index/);
    // --shard wins over the environment.
    expect(resolveShard('1/2', undefined, { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '2' })).toMatchObject({ index: 1, source: '--shard' });
  });
});

describe('engine URLs', () => {
  it('reads unix, tcp (plain and TLS) and ssh engines with their own concurrency', () => {
    const u = parseEngineSpec('unix:///run/other/docker.sock#jobs=3');
    expect(u).toMatchObject({ url: 'unix:///run/other/docker.sock', jobs: 3, name: '/run/other/docker.sock' });
    expect((u.docker.modem as unknown as { socketPath: string }).socketPath).toBe('/run/other/docker.sock');
    const plain = parseEngineSpec('tcp://10.0.0.7:2375');
    expect(plain).toMatchObject({ name: '10.0.0.7:2375', jobs: 2 });
    expect((plain.docker.modem as unknown as { protocol: string }).protocol).toBe('http');
    const certs = mkdtempSync(join(tmpdir(), 'drydock-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), `-----BEGIN ${f}-----\n`);
    const tls = parseEngineSpec(`tcp://grader2.lab:2376#jobs=4&certs=${certs}`);
    const modem = tls.docker.modem as unknown as { protocol: string; ca: unknown; cert: Buffer; key: Buffer };
    expect(modem.protocol).toBe('https');
    expect(String(modem.cert)).toContain('cert.pem');
    expect(tls.jobs).toBe(4);
    // DOCKER_CERT_PATH, as the Docker CLI reads it.
    expect((parseEngineSpec('tcp://h:2376', { DOCKER_CERT_PATH: certs }).docker.modem as unknown as { protocol: string }).protocol).toBe('https');
    expect(() => parseEngineSpec('tcp://h:2376', { DOCKER_CERT_PATH: join(certs, 'none') })).toThrow(/ca\.pem/);
    const ssh = parseEngineSpec('ssh://grader@host3.lab#jobs=1');
    expect(ssh).toMatchObject({ name: 'grader@host3.lab', jobs: 1 });
    expect((ssh.docker.modem as unknown as { protocol: string; username: string }).protocol).toBe('ssh');
    for (const bad of ['ftp://x', 'unix://', 'tcp://h:2375#jobs=0', 'tcp://h:2375#speed=2', 'nonsense']) expect(() => parseEngineSpec(bad), bad).toThrow();
  });

  it('reads an engines file and refuses an engine named twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-engines-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'engines'), '# lab servers\nunix:///var/run/docker.sock#jobs=2\n\ntcp://10.0.0.8:2375#jobs=4\n');
    expect(engineSlots([], join(dir, 'engines')).map((e) => [e.name, e.jobs])).toEqual([['local', 2], ['10.0.0.8:2375', 4]]);
    expect(() => engineSlots(['tcp://10.0.0.8:2375'], join(dir, 'engines'))).toThrow(/named twice/);
  });
});

describe('generated CI files', () => {
  it('parse as YAML and use no anchors or aliases (which older GitHub Actions and some linters refuse)', async () => {
    const { parseAllDocuments } = await import('yaml');
    const { loadLab } = await import('../../graders/lab/load');
    const { githubWorkflow, gitlabPipeline, kubernetesManifests } = await import('../../graders/integrations/ci');
    const lab = loadLab(join(import.meta.dirname, '../../labs/catalog-image'));
    const o = { shards: 4, packageSpec: 'drydock@0.1.0', labPath: 'labs/catalog-image' };
    for (const text of [githubWorkflow(lab, o), gitlabPipeline(lab, o), ...Object.values(kubernetesManifests(lab, o))]) {
      const docs = parseAllDocuments(text);
      expect(docs.flatMap((d) => d.errors)).toEqual([]);
      expect(text).not.toMatch(/^\s*(- )?[&*][a-z]\w*\s*$/m);
      expect(text).not.toMatch(/: [&*]a\d+/);
    }
  });
});
