import { defineCheck } from './types';
import { mb, stepText } from './util';

/*
 * The unit is the uncompressed layer bytes `docker save` carries: the tar of
 * each layer, the same bytes on every engine and image store. The engine's
 * own `Size` is not: overlay2 reports the unpacked files' disk usage, the
 * containerd store the compressed content (the catalog solution: 7.3 MB on
 * Docker 20.10's overlay2, 3.0 MB on Docker 28's containerd store, 8.2 MB of
 * layer tars on both). It is shown beside the verdict, never judged.
 */
export const sizeCheck = defineCheck({
  id: 'size',
  title: 'The image is small',
  anchor: 'multi-stage-builds-and-distroless',
  needs: ['image', 'layer-sizes'] as const,
  evaluate(obs) {
    const size = obs.layerScan.layers.reduce((sum, l) => sum + l.bytes, 0);
    const limit = obs.lab.thresholds.maxImageSizeMB * 1e6;
    const layers = obs.layerScan.layers
      .filter((l) => l.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 3)
      .map((l) => `${mb(l.bytes).padStart(9)}  ${l.fromLab && !l.step ? '(a layer of the base image)' : stepText(l.step).slice(0, 100)}`);
    const evidence = [
      `${mb(size)} of uncompressed layers (as \`docker save\` carries them), limit ${mb(limit)}`,
      `the engine reports ${mb(obs.image.Size)}, in its image store's own unit`,
      'largest layers:',
      ...layers,
    ];
    if (size <= limit) return { status: 'pass', summary: `${mb(size)} is within the ${mb(limit)} limit`, evidence };
    return {
      status: 'fail',
      summary: `${mb(size)} is over the ${mb(limit)} limit`,
      evidence,
      fix: 'Compile in a build stage and COPY --from it only the binary into a minimal final stage; the toolchain, sources and caches must not reach the final image.',
    };
  },
});
