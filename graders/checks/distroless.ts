import { normalizeRef } from '../engine/images';
import { defineCheck } from './types';

/** Paths whose presence means the image carries a shell or a package manager. */
const FORBIDDEN = [
  'bin/sh', 'bin/bash', 'bin/dash', 'bin/ash', 'bin/zsh', 'bin/busybox',
  'usr/bin/sh', 'usr/bin/bash', 'usr/bin/dash', 'usr/bin/busybox',
  'sbin/apk', 'usr/bin/apt', 'usr/bin/apt-get', 'usr/bin/dpkg', 'usr/bin/yum', 'usr/bin/dnf',
  'usr/bin/rpm', 'usr/bin/microdnf', 'usr/sbin/apk',
];

export const distrolessCheck = defineCheck({
  id: 'distroless',
  title: 'The final stage is distroless',
  anchor: 'multi-stage-builds-and-distroless',
  needs: ['image', 'files'] as const,
  evaluate(obs) {
    const layers = obs.image.RootFS?.Layers ?? [];
    const fromRef = obs.dockerfile?.stages.at(-1)?.base;
    // Tags of one family share layers; name the one the Dockerfile asked for when it matches.
    const matches = [...obs.baseLayers.entries()].filter(([, bl]) => bl.length > 0 && bl.every((l, i) => layers[i] === l));
    const base = matches.find(([ref]) => fromRef && normalizeRef(fromRef) === ref) ?? matches[0];
    const found = FORBIDDEN.filter((p) => obs.files.paths.has(p));
    const fromLine = obs.dockerfile?.stages.at(-1);
    const evidence = [
      base ? `first ${base[1].length} layer(s) match ${base[0]}` : `no allowed base image's layers start the image (${layers.length} layers; allowed: ${[...obs.baseLayers.keys()].join(', ') || 'none present'})`,
      found.length ? `found in the filesystem: ${found.map((p) => `/${p}`).join(', ')}` : 'no shell, busybox or package manager in the filesystem',
    ];
    if (fromLine) evidence.push(`final stage: line ${fromLine.line}: FROM ${fromLine.base}`);
    if (base && found.length === 0) return { status: 'pass', summary: `built on ${base[0]}, no shell or package manager`, evidence };
    return {
      status: 'fail',
      summary: !base ? 'the final image is not built on an allowed distroless base' : `the image carries ${found.map((p) => `/${p}`).join(', ')}`,
      evidence,
      fix: !base
        ? `Start the final stage with \`FROM ${obs.lab.images.allowedBases[0]}\` and copy only your binary into it.`
        : 'Do not copy a shell or busybox into the final stage; debug with `docker run --entrypoint` on a separate debug image instead.',
    };
  },
});
