import { Readable } from 'node:stream';
import type { FileUpload } from 'graphql-upload-minimal';
import { similarImages } from '../../src/embeddings/similarImages';
import { ErrorCode, GatewayError } from '../../src/errors';
import { admitUploads, assertDecodeRoom, checkFileCount, decodeImages, readImage, readImages } from '../../src/models/uploadStage';
import { solidPng } from './support/images';

/** An upload as graphql-upload-minimal hands it to a resolver, whose stream says whether it was read to its end. */
function upload(filename: string, bytes: Buffer) {
  const state = { drained: false };
  const file: FileUpload = {
    filename,
    mimetype: 'application/octet-stream',
    encoding: '7bit',
    fieldName: 'file',
    createReadStream: () => Readable.from([bytes]).on('end', () => (state.drained = true)) as ReturnType<FileUpload['createReadStream']>,
  };
  return { file: Promise.resolve(file), state };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
const limits = { maxImagePixels: 10_000_000, decode: { concurrency: 2, pixelBudget: 1_000_000, queueLimit: 4 } };

describe('the upload stage', () => {
  test('a refused request has its uploads drained, not kept, and the refusal thrown', async () => {
    const uploads = [upload('a.png', Buffer.alloc(1000)), upload('b.png', Buffer.alloc(1000))];
    const files = uploads.map((u) => u.file);
    expect(() => admitUploads(files, () => checkFileCount(files, 1))).toThrow(expect.objectContaining({ code: ErrorCode.TooManyFiles }));
    await settled();
    expect(uploads.map((u) => u.state.drained)).toEqual([true, true]);
    expect(() => admitUploads([], () => checkFileCount([], 4))).toThrow('at least one file');
  });

  test('an accepted request reads nothing yet and gets what its checks returned', () => {
    const { file, state } = upload('a.png', Buffer.alloc(10));
    expect(admitUploads([file], () => 42)).toBe(42);
    expect(state.drained).toBe(false);
  });

  test('each file is read within the byte limit and refused unless an accepted image, one outcome each', async () => {
    const png = await solidPng('#ff0000');
    const outcomes = await readImages(
      [
        upload('ok.png', png).file,
        upload('notes.txt', Buffer.from('hello')).file,
        upload('big.png', Buffer.concat([png, Buffer.alloc(5000)])).file,
        Promise.reject(new Error('gone')),
      ],
      png.length + 100,
    );
    expect(outcomes.map((outcome) => [outcome.filename, outcome.error?.code ?? null, outcome.bytes?.length ?? null])).toEqual([
      ['ok.png', null, png.length],
      ['notes.txt', ErrorCode.UnsupportedImage, null],
      ['big.png', ErrorCode.FileTooLarge, null],
      ['', ErrorCode.BadUserInput, null],
    ]);
    await expect(readImage(upload('big.png', Buffer.alloc(2000)).file, 1000)).rejects.toMatchObject({ code: ErrorCode.FileTooLarge });
    await expect(readImage(upload('notes.txt', Buffer.from('hello')).file, 1000)).resolves.toEqual(Buffer.from('hello'));
  });

  test('decoding goes through the decode gate, which refuses at once when its queue is full', async () => {
    const images = await Promise.all(['#ff0000', '#0000ff'].map((colour) => solidPng(colour)));
    const decoded = await decodeImages([...images, Buffer.from('not an image')], 4, limits);
    expect(decoded.map((image) => image.pixels?.length ?? image.error?.code)).toEqual([48, 48, ErrorCode.UnsupportedImage]);
    expect(() => assertDecodeRoom(limits, 5)).toThrow(expect.objectContaining({ code: ErrorCode.Overloaded }));
  });

  test('similarImages refuses a bad argument or a missing index before reading, and drains the upload', async () => {
    const bad = upload('a.png', Buffer.alloc(100));
    await expect(similarImages(undefined, bad.file, 0, 1000)).rejects.toMatchObject({ code: ErrorCode.BadUserInput });
    const off = upload('a.png', Buffer.alloc(100));
    await expect(similarImages(undefined, off.file, 5, 1000)).rejects.toBeInstanceOf(GatewayError);
    await settled();
    expect([bad.state.drained, off.state.drained]).toEqual([true, true]);
  });
});
