import type { GatewayConfig } from '../config';
import { badUserInput } from '../errors';
import type { ModelRegistry } from '../models/ModelRegistry';
import type { ImageFailure, ImageOutcome, Prediction } from '../models/types';
import { admitUploads, checkFileCount, readImages, type ReadImage, type UploadArg } from '../models/uploadStage';
import type { VisionLabeler } from '../vision/VisionLabeler';

/** The result for one uploaded file, in the order of the request's `files`. */
export interface ClassificationResult {
  filename: string;
  mimetype: string | null;
  bytes: number | null;
  labels: Prediction[];
  error: ImageFailure | null;
}

export interface ClassifyOptions {
  model?: string | null;
  minConfidence: number;
  maxResults: number;
}

const MAX_RESULTS_LIMIT = 1000;

/**
 * Uploads in, labels out. A file that cannot be read, is too large or cannot be decoded gets its own
 * error and no labels; the other files are still labelled. Failures that concern the whole request
 * (no model, overload, Vision unreachable) are thrown as typed GraphQL errors.
 */
export class ClassificationService {
  constructor(
    private readonly models: ModelRegistry,
    private readonly vision: VisionLabeler,
    private readonly limits: Pick<GatewayConfig, 'maxUploadBytes' | 'maxUploadFiles'>,
  ) {}

  async classify(files: UploadArg[], options: ClassifyOptions): Promise<ClassificationResult[]> {
    admitUploads(files, () => {
      checkFileCount(files, this.limits.maxUploadFiles);
      checkMaxResults(options.maxResults);
      if (!(options.minConfidence >= 0 && options.minConfidence <= 1)) {
        throw badUserInput('`minConfidence` must be between 0 and 1.', { argument: 'minConfidence' });
      }
      // A full inference queue refuses the request before a byte of it is buffered.
      this.models.assertRoomFor(files.length);
    });
    const read = await readImages(files, this.limits.maxUploadBytes);
    return this.label(read, (images) =>
      this.models.classify(images, { modelId: options.model ?? undefined, minConfidence: options.minConfidence, maxResults: options.maxResults }),
    );
  }

  async labelDetection(files: UploadArg[], maxResults: number): Promise<ClassificationResult[]> {
    admitUploads(files, () => {
      checkFileCount(files, this.limits.maxUploadFiles);
      checkMaxResults(maxResults);
    });
    const read = await readImages(files, this.limits.maxUploadBytes);
    return this.label(read, (images) => this.vision.labelImages(images, maxResults));
  }

  private async label(files: ReadImage[], run: (images: Buffer[]) => Promise<ImageOutcome[]>): Promise<ClassificationResult[]> {
    const readable = files.filter((f) => f.bytes !== null);
    const outcomes = readable.length > 0 ? await run(readable.map((f) => f.bytes!)) : [];
    let next = 0;
    return files.map((file) => {
      const outcome = file.bytes !== null ? outcomes[next++] : undefined;
      const error = file.error ?? outcome?.error ?? null;
      return { filename: file.filename, mimetype: file.mimetype, bytes: file.size, labels: error ? [] : (outcome?.labels ?? []), error };
    });
  }
}

function checkMaxResults(maxResults: number): void {
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS_LIMIT) {
    throw badUserInput(`\`maxResults\` must be between 1 and ${MAX_RESULTS_LIMIT}.`, { argument: 'maxResults' });
  }
}
