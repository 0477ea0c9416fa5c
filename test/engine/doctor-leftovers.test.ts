// A run killed outright (SIGKILL, a reboot) cannot remove what it made; doctor lists
// such runs by id and start time, and --remove-leftovers removes them. The killed
// run here is made by hand: labelled objects under a run id, as a grade leaves them
// between creating a container and its cleanup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, newRunId, removeRun, runLabels, STAND_IN_LABEL } from '../../graders/engine/connect';
import { drydock } from '../support/helpers';

const docker = connect();
const runId = newRunId();
let containerId: string;

beforeAll(async () => {
  const [base] = await docker.listImages({ filters: JSON.stringify({ label: [STAND_IN_LABEL] }) });
  expect(base, 'a stand-in base image is in the engine (scripts/test.sh makes them)').toBeDefined();
  const c = await docker.createContainer({ Image: base.Id, Cmd: ['/x'], Labels: runLabels(runId) });
  containerId = c.id;
});

afterAll(async () => {
  await removeRun(docker, runId);
});

describe('drydock doctor and a killed run', () => {
  it('lists the run with what it left and when it began, and leaves it in place', () => {
    const r = drydock(['doctor']);
    const row = r.stdout.split('\n').find((l) => l.includes(`run ${runId}`));
    expect(row, r.stdout).toBeDefined();
    expect(row).toContain('1 container(s), 0 image(s)');
    expect(row).toContain(`began ${new Date(parseInt(runId, 36)).toISOString().slice(0, 16)}`);
    expect(row).toContain('--remove-leftovers');
    return docker.getContainer(containerId).inspect().then((info) => expect(info.Id).toBe(containerId));
  });

  it('removes it with --remove-leftovers, and then lists none of it', async () => {
    const r = drydock(['doctor', '--remove-leftovers']);
    expect(r.stdout).toMatch(new RegExp(`run ${runId} +1 container\\(s\\), 0 image\\(s\\), began \\S+: removed`));
    await expect(docker.getContainer(containerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(drydock(['doctor']).stdout).toMatch(/runs with objects +none/);
  });
});
