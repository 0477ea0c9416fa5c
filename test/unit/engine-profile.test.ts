// What drydock doctor says of an engine, from the engine's own answers (docker version and info).
import { describe, expect, it } from 'vitest';
import { usesContainerdStore, type EngineInfo } from '../../graders/engine/connect';
import { bundledBuildkit, engineProfile } from '../../graders/engine/profile';

const info = (over: Partial<EngineInfo>): EngineInfo => ({ version: '28.5.2+dfsg4', apiVersion: '1.51', os: 'linux/amd64', storageDriver: 'overlayfs', containerdStore: true, cgroupVersion: '1', ...over });

describe('engine profile', () => {
  it("tells the containerd image store from a graph driver by docker info's DriverStatus", () => {
    expect(usesContainerdStore({ DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] })).toBe(true);
    expect(usesContainerdStore({ DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']] })).toBe(false);
    expect(usesContainerdStore({})).toBe(false);
  });

  it("names the BuildKit each release's source pins, bounds a release between two read, none before the first", () => {
    expect(bundledBuildkit('20.10.24+dfsg1')).toEqual({ text: '0.8.4-pre', exact: true, atLeast: '0.8.4-pre' });
    expect(bundledBuildkit('26.1.5+dfsg1')).toMatchObject({ text: '0.13.2', exact: true });
    expect(bundledBuildkit('27.5.1+dfsg4')).toMatchObject({ text: '0.18.2', exact: true });
    expect(bundledBuildkit('28.5.2+dfsg4')).toMatchObject({ text: '0.25.2', exact: true });
    expect(bundledBuildkit('28.1.1')).toEqual({ text: 'between 0.18.2 (Docker 27.5.1) and 0.25.2 (Docker 28.5.2)', exact: false, atLeast: '0.18.2' });
    expect(bundledBuildkit('29.0.0')).toEqual({ text: '0.25.2 or newer (Docker 28.5.2 pins 0.25.2)', exact: false, atLeast: '0.25.2' });
    expect(bundledBuildkit('19.03.15')).toBeUndefined();
    expect(bundledBuildkit('dev')).toBeUndefined();
  });

  it('says where a check reads differently: size and no-secrets on the containerd store, cache-hit after BuildKit 0.8', () => {
    const new28 = engineProfile(info({}), false);
    expect(new28.imageStore).toBe('containerd (overlayfs snapshotter)');
    expect(new28.differences.map((d) => d.split(':')[0])).toEqual(['size', 'no-secrets, size', 'cache-hit', 'build limits']);
    const old = engineProfile(info({ version: '20.10.24+dfsg1', storageDriver: 'overlay2', containerdStore: false }), true);
    expect(old.imageStore).toBe('overlay2 (graph driver)');
    expect(old.differences).toEqual([expect.stringMatching(/^build limits: .*remote engine/)]);
    expect(engineProfile(info({ version: '29.1.0' }), false).differences).toContainEqual(expect.stringMatching(/^cache-hit: Drydock's cache verdicts are proven on BuildKit 0\.8\.4-pre and 0\.25\.2; Docker 29\.1\.0 bundles 0\.25\.2 or newer/));
    expect(engineProfile(info({ version: '26.1.5+dfsg1' }), false).differences.filter((d) => d.startsWith('cache-hit')).length).toBe(2);
  });
});
