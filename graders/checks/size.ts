import { defineCheck } from './types';
import { mb } from './util';

export const sizeCheck = defineCheck({
  id: 'size',
  title: 'The image is small',
  anchor: 'multi-stage-builds-and-distroless',
  needs: ['image'] as const,
  evaluate(obs) {
    const size = obs.image.Size;
    const limit = obs.lab.thresholds.maxImageSizeMB * 1e6;
    const layers = (obs.history ?? [])
      .filter((h) => h.Size > 0)
      .sort((a, b) => b.Size - a.Size)
      .slice(0, 3)
      .map((h) => `${mb(h.Size).padStart(9)}  ${h.CreatedBy.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').replace(/\s+# buildkit$/, '').slice(0, 100) || '(a layer of the base image)'}`);
    const evidence = [`uncompressed size ${mb(size)}, limit ${mb(limit)}`, 'largest layers:', ...layers];
    if (size <= limit) return { status: 'pass', summary: `${mb(size)} is within the ${mb(limit)} limit`, evidence };
    return {
      status: 'fail',
      summary: `${mb(size)} is over the ${mb(limit)} limit`,
      evidence,
      fix: 'Compile in a build stage and COPY --from it only the binary into a minimal final stage; the toolchain, sources and caches must not reach the final image.',
    };
  },
});
