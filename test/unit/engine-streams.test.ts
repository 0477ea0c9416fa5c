// What Drydock reads from and sends to the engine, byte for byte: container
// logs demultiplexed by docker-modem, and the build context as a tar.
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { demuxLogs } from '../../graders/observe/runtime';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};
const { modem } = new Docker({ socketPath: '/nonexistent' });

describe('container logs', () => {
  it('are stdout and stderr frames in the order written, split into lines', async () => {
    const raw = Buffer.concat([frame(1, 'listening on :8080\n'), frame(2, 'warn: no cache\nsecond '), frame(1, 'half\r\n'), frame(2, 'ünïcode\n')]);
    expect(await demuxLogs(modem, raw)).toEqual(['listening on :8080', 'warn: no cache', 'second half', 'ünïcode']);
  });

  it('drop a frame the engine cut short, and pass a TTY container\'s unframed text through', async () => {
    const cut = Buffer.concat([frame(1, 'whole\n'), frame(1, 'cut short\n').subarray(0, 12)]);
    expect(await demuxLogs(modem, cut)).toEqual(['whole']);
    expect(await demuxLogs(modem, Buffer.from('plain tty line\nand another\n'))).toEqual(['plain tty line', 'and another']);
    expect(await demuxLogs(modem, Buffer.alloc(0))).toEqual([]);
  });
});
