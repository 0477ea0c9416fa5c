import type Docker from 'dockerode';
import { RUN_LABEL } from '../../graders/engine/connect';

/**
 * Containers and images that carry a grading run's label: what a batch must
 * never leave behind. (The shared engine may hold others' managed objects,
 * such as a container of a stand-in image, which inherits its label.)
 * `besides` names objects that were there before the test began: a run killed
 * outright (SIGKILL, a power cut) on the same engine cannot clean up, and its
 * leftovers are not this test's.
 */
export async function runObjects(d: Docker, besides: readonly string[] = []): Promise<string[]> {
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  const [c, i] = await Promise.all([d.listContainers({ all: true, filters }), d.listImages({ all: true, filters })]);
  const found = [...c.map((x) => `container ${x.Id.slice(0, 12)}`), ...i.map((x) => `image ${x.Id.slice(7, 19)}`)];
  return found.filter((o) => !besides.includes(o));
}
