// The sweep after Ctrl-C against a stand-in engine whose image appears late (pure timing logic;
// the real engine's side is test/engine/interrupt.test.ts).
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { RUN_LABEL, sweepRuns } from '../../graders/engine/connect';

/** An engine that finishes exporting run `r1`'s image `lateMs` after the sweep began. */
function engineExportingLate(lateMs: number) {
  const t0 = Date.now();
  let removed = false;
  const lists: number[] = [];
  const images = () => (!removed && Date.now() - t0 >= lateMs ? [{ Id: 'sha256:0123456789abcdef', Labels: { [RUN_LABEL]: 'r1' } }] : []);
  const docker = {
    listContainers: async () => [],
    listImages: async (o: { filters: string }) => {
      lists.push(Date.now() - t0);
      return JSON.parse(o.filters).label[0] === `${RUN_LABEL}=r1` ? images() : [];
    },
    getImage: () => ({ remove: async () => void (removed = true) }),
    listVolumes: async () => ({ Volumes: [] }),
    listNetworks: async () => [],
  } as unknown as Docker;
  return { docker, removed: () => removed, lists };
}

describe('sweepRuns', () => {
  it('removes an image the engine exports after the first look', async () => {
    const e = engineExportingLate(600);
    expect(await sweepRuns(e.docker, ['r1'], { quietMs: 1000, maxMs: 5000 })).toEqual([]);
    expect(e.removed()).toBe(true);
  });

  it('a single look (what a plain removal does) misses it', async () => {
    const e = engineExportingLate(600);
    await sweepRuns(e.docker, ['r1'], { quietMs: 0, maxMs: 5000 });
    expect(e.removed()).toBe(false);
  });

  it('stops at its limit when the engine keeps producing objects', async () => {
    const docker = {
      listContainers: async () => [{ Id: 'c'.repeat(64) }],
      getContainer: () => ({ remove: async () => {} }),
      listImages: async () => [],
      listVolumes: async () => ({ Volumes: [] }),
      listNetworks: async () => [],
    } as unknown as Docker;
    const t = Date.now();
    await sweepRuns(docker, ['r1'], { quietMs: 500, maxMs: 1200 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(1200);
    expect(Date.now() - t).toBeLessThan(3000);
  });
});
