import { createHash } from 'node:crypto';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import sharp from 'sharp';

/**
 * A loopback gRPC server speaking google.cloud.vision.v1.ImageAnnotator/BatchAnnotateImages, loaded
 * from the .proto files that ship with the client. Each image is answered from `answers` (keyed by
 * the image's sha256) or, by default, with labels describing its dominant colour; bytes that do not
 * decode get the per-image error the real API gives. Tests schedule whole-call faults and delays
 * and read back every call.
 */

export interface FakeLabel {
  mid: string;
  description: string;
  score: number;
}

export type FakeAnswer = { labels: FakeLabel[] } | { error: { code: number; message: string } };

export interface RecordedCall {
  images: number;
  /** Feature type and maxResults of each image's request. */
  features: { type: string; maxResults: number }[];
  /** Whether the call carried an authorization header (it must not, over plaintext). */
  authorized: boolean;
}

export interface Fault {
  code: grpc.status;
  message: string;
}

// google-gax's package.json is not exported: climb from its entry point (build/src/index.js).
const PROTO_ROOTS = [
  path.join(path.dirname(require.resolve('@google-cloud/vision/package.json')), 'build', 'protos'),
  path.join(path.dirname(require.resolve('google-gax')), '..', 'protos'),
];

const COLOURS: { name: string; mid: string; rgb: [number, number, number] }[] = [
  { name: 'Red', mid: '/m/06fvc', rgb: [255, 0, 0] },
  { name: 'Green', mid: '/m/038hg', rgb: [0, 255, 0] },
  { name: 'Blue', mid: '/m/01g5v', rgb: [0, 0, 255] },
  { name: 'Yellow', mid: '/m/088fh', rgb: [255, 255, 0] },
  { name: 'White', mid: '/m/083jv', rgb: [255, 255, 255] },
  { name: 'Black', mid: '/m/019sc', rgb: [0, 0, 0] },
];

export class VisionFake {
  readonly calls: RecordedCall[] = [];
  readonly answers = new Map<string, FakeAnswer>();
  /** Faults answered by the next calls, one per call, in order. */
  readonly faults: Fault[] = [];
  /** Added before every answer. */
  delayMs = 0;

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<VisionFake> {
    const definition = protoLoader.loadSync('google/cloud/vision/v1/image_annotator.proto', {
      includeDirs: PROTO_ROOTS,
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
    });
    const proto = grpc.loadPackageDefinition(definition) as unknown as {
      google: { cloud: { vision: { v1: { ImageAnnotator: { service: grpc.ServiceDefinition } } } } };
    };
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const fake = new VisionFake(server, port);
    server.addService(proto.google.cloud.vision.v1.ImageAnnotator.service, {
      batchAnnotateImages: (call: grpc.ServerUnaryCall<BatchRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        fake.answer(call).then(
          (response) => callback(null, response),
          (fault: Fault) => callback({ code: fault.code, details: fault.message }),
        );
      },
    });
    return fake;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  static sha256(image: Buffer): string {
    return createHash('sha256').update(image).digest('hex');
  }

  answerFor(image: Buffer, answer: FakeAnswer): void {
    this.answers.set(VisionFake.sha256(image), answer);
  }

  failNext(code: grpc.status, message = grpc.status[code], times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ code, message });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private async answer(call: grpc.ServerUnaryCall<BatchRequest, unknown>): Promise<unknown> {
    const requests = call.request.requests ?? [];
    this.calls.push({
      images: requests.length,
      features: requests.map((request) => ({ type: request.features?.[0]?.type ?? '', maxResults: request.features?.[0]?.maxResults ?? 0 })),
      authorized: call.metadata.get('authorization').length > 0,
    });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const fault = this.faults.shift();
    if (fault) throw new FaultError(fault);
    const responses = await Promise.all(requests.map((request) => this.annotate(request)));
    return { responses };
  }

  private async annotate(request: ImageRequest): Promise<unknown> {
    const content = request.image?.content ?? Buffer.alloc(0);
    const answer = this.answers.get(VisionFake.sha256(content)) ?? (await colourLabels(content));
    if ('error' in answer) return { error: answer.error };
    const maxResults = request.features?.[0]?.maxResults || 10;
    const labelAnnotations = answer.labels.slice(0, maxResults).map((label) => ({ ...label, topicality: label.score }));
    return { labelAnnotations };
  }
}

interface ImageRequest {
  image?: { content?: Buffer };
  features?: { type?: string; maxResults?: number }[];
}

interface BatchRequest {
  requests?: ImageRequest[];
}

async function colourLabels(image: Buffer): Promise<FakeAnswer> {
  let dominant: { r: number; g: number; b: number };
  try {
    ({ dominant } = await sharp(image).stats());
  } catch {
    return { error: { code: grpc.status.INVALID_ARGUMENT, message: 'Bad image data.' } };
  }
  const ranked = COLOURS.map((colour) => ({
    colour,
    distance: Math.hypot(dominant.r - colour.rgb[0], dominant.g - colour.rgb[1], dominant.b - colour.rgb[2]),
  })).sort((a, b) => a.distance - b.distance);
  return {
    labels: ranked.map(({ colour }, rank) => ({ mid: colour.mid, description: colour.name, score: Number((0.95 - rank * 0.1).toFixed(2)) })),
  };
}

/** A scheduled fault as an Error; batchAnnotateImages answers the call with its code and message. */
class FaultError extends Error {
  readonly code: grpc.status;
  constructor(fault: Fault) {
    super(fault.message);
    this.code = fault.code;
  }
}
