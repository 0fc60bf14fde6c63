import sharp from 'sharp';
import type { GatewayConfig } from '../config';
import { ErrorCode, GatewayError } from '../errors';
import { sniffImageFormat } from './imageFormat';

/**
 * Bounds image decoding over the whole process: at most `concurrency` images, and at most
 * `pixelBudget` pixels, decode at once (an image larger than the budget decodes alone). sharp runs on
 * libuv's thread pool (4 threads by default), which the DuckDB store and file I/O share: unbounded,
 * a few requests of large images queue hundreds of decodes ahead of every store query, and hold every
 * decoded image's pixels at once. Waiters are served in arrival order; at most `queueLimit` wait, and
 * an image past that is refused with OVERLOADED at once rather than queued without bound.
 */
export class DecodeGate {
  private running = 0;
  private pixelsInFlight = 0;
  private readonly waiting: Array<{ pixels: number; grant: () => void }> = [];
  /** The most decodes that ever ran at once (for tests and benchmarks). */
  peakRunning = 0;

  constructor(
    readonly concurrency: number,
    readonly pixelBudget: number,
    readonly queueLimit = Number.MAX_SAFE_INTEGER,
  ) {}

  get queued(): number {
    return this.waiting.length;
  }

  /** Throws OVERLOADED when `count` more images could not wait now; reserves nothing. */
  assertRoom(count: number): void {
    if (this.waiting.length + count > this.queueLimit) throw overloaded(this.queueLimit);
  }

  async run<T>(pixels: number, decode: () => Promise<T>): Promise<T> {
    const weight = Math.max(1, Math.min(pixels, this.pixelBudget));
    await this.acquire(weight);
    try {
      return await decode();
    } finally {
      this.release(weight);
    }
  }

  private fits(weight: number): boolean {
    return this.running < this.concurrency && (this.running === 0 || this.pixelsInFlight + weight <= this.pixelBudget);
  }

  private acquire(weight: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(weight)) {
      this.take(weight);
      return Promise.resolve();
    }
    if (this.waiting.length >= this.queueLimit) return Promise.reject(overloaded(this.queueLimit));
    return new Promise((resolve) => this.waiting.push({ pixels: weight, grant: resolve }));
  }

  private take(weight: number): void {
    this.running++;
    this.pixelsInFlight += weight;
    this.peakRunning = Math.max(this.peakRunning, this.running);
  }

  private release(weight: number): void {
    this.running--;
    this.pixelsInFlight -= weight;
    while (this.waiting.length > 0 && this.fits(this.waiting[0].pixels)) {
      const next = this.waiting.shift()!;
      this.take(next.pixels);
      next.grant();
    }
  }
}

const overloaded = (limit: number) => new GatewayError(ErrorCode.Overloaded, `Too many images are waiting to be decoded (limit ${limit}); retry shortly.`);

const gates = new Map<string, DecodeGate>();

/** The process's gate for these limits (gateways in one process with the same limits share one). */
export function decodeGateFor(config: Pick<GatewayConfig, 'decode'>): DecodeGate {
  const { concurrency, pixelBudget, queueLimit } = config.decode;
  const key = `${concurrency}:${pixelBudget}:${queueLimit}`;
  let gate = gates.get(key);
  if (!gate) gates.set(key, (gate = new DecodeGate(concurrency, pixelBudget, queueLimit)));
  return gate;
}

/**
 * Runs `decode` (one image's decode) once the gate admits the image's pixel count, read from its header
 * (PNG and GIF directly, other formats through sharp). A header that cannot be read costs one pixel: the
 * decode itself then fails fast with its own error.
 */
export async function decodeWithinBudget<T>(bytes: Buffer, config: Pick<GatewayConfig, 'decode'>, decode: () => Promise<T>): Promise<T> {
  return decodeGateFor(config).run(headerPixels(bytes) ?? (await metadataPixels(bytes)), decode);
}

/** Width x height from a PNG or GIF header, without a trip to the thread pool; undefined for other formats. */
function headerPixels(bytes: Buffer): number | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return bytes.readUInt32BE(16) * bytes.readUInt32BE(20);
  }
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') return bytes.readUInt16LE(6) * bytes.readUInt16LE(8);
  return undefined;
}

async function metadataPixels(bytes: Buffer): Promise<number> {
  // Only an accepted format's header is read here; anything else is refused by the decode without a parser.
  if (!sniffImageFormat(bytes)) return 1;
  try {
    const { width, height } = await sharp(bytes).metadata();
    return (width ?? 0) * (height ?? 0) || 1;
  } catch {
    return 1;
  }
}
