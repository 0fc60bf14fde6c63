import { imageFormatOf } from '../../web/src/lib/imageBytes';

/** The explorer's check of an upload's first bytes, before anything is sent. */
describe('imageFormatOf', () => {
  const bytes = (...values: (number | string)[]) => Uint8Array.from(values.flatMap((value) => (typeof value === 'string' ? Array.from(value, (c) => c.charCodeAt(0)) : [value])));

  it('knows the formats the gateway decodes by their signatures', () => {
    expect(imageFormatOf(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('JPEG');
    expect(imageFormatOf(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d))).toBe('PNG');
    expect(imageFormatOf(bytes('GIF89a', 1, 0))).toBe('GIF');
    expect(imageFormatOf(bytes('GIF87a'))).toBe('GIF');
    expect(imageFormatOf(bytes('RIFF', 0x24, 0, 0, 0, 'WEBP'))).toBe('WebP');
  });

  it('refuses text, truncated signatures and look-alikes', () => {
    expect(imageFormatOf(bytes('these are notes'))).toBeNull();
    expect(imageFormatOf(bytes())).toBeNull();
    expect(imageFormatOf(bytes(0xff, 0xd8))).toBeNull();
    expect(imageFormatOf(bytes(0x89, 'PNG', 0x0d, 0x0a))).toBeNull();
    expect(imageFormatOf(bytes('RIFF', 0x24, 0, 0, 0, 'WAVE'))).toBeNull();
    expect(imageFormatOf(bytes('GIF90a'))).toBeNull();
  });
});
