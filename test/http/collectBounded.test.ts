import { PassThrough, Readable } from 'node:stream';
import { collectBounded } from '../../src/http/collectBounded';

const limits = (maxBytes: number) => ({
  maxBytes,
  tooLarge: () => new Error('too large'),
  failure: (error: Error) => new Error(`failed: ${error.message}`),
});

describe('collectBounded', () => {
  it("collects a stream's bytes up to the cap", async () => {
    await expect(collectBounded(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), limits(4))).resolves.toEqual(Buffer.from('abcd'));
  });

  it('fails as soon as the bytes pass the cap, and destroys the stream', async () => {
    const stream = new PassThrough();
    const collected = collectBounded(stream, limits(3));
    stream.write(Buffer.from('abcd'));
    await expect(collected).rejects.toThrow('too large');
    expect(stream.destroyed).toBe(true);
  });

  it("reports a stream's error, or a cut without one, through `failure`", async () => {
    const broken = new PassThrough();
    const first = collectBounded(broken, limits(10));
    broken.destroy(new Error('reset'));
    await expect(first).rejects.toThrow('failed: reset');
    const cut = new PassThrough();
    const second = collectBounded(cut, limits(10));
    cut.destroy();
    await expect(second).rejects.toThrow('failed: the stream closed before its end');
  });
});
