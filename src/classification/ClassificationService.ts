import type { FileUpload } from 'graphql-upload-minimal';
import type { GatewayConfig } from '../config';
import { badUserInput, ErrorCode, GatewayError, isGatewayError } from '../errors';
import { notAcceptedMessage, sniffImageFormat } from '../models/imageFormat';
import type { ModelRegistry } from '../models/ModelRegistry';
import type { ImageFailure, ImageOutcome, Prediction } from '../models/types';
import { discardUploads, readUpload } from '../uploads';
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

type UploadArg = Promise<FileUpload> | FileUpload;

interface ReadFile {
  filename: string;
  mimetype: string | null;
  bytes: Buffer | null;
  size: number | null;
  error: ImageFailure | null;
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
    this.beforeReading(files, () => {
      checkMaxResults(options.maxResults);
      if (!(options.minConfidence >= 0 && options.minConfidence <= 1)) {
        throw badUserInput('`minConfidence` must be between 0 and 1.', { argument: 'minConfidence' });
      }
      // A full inference queue refuses the request before a byte of it is buffered.
      this.models.assertRoomFor(files.length);
    });
    const read = await this.readAll(files);
    return this.label(read, (images) =>
      this.models.classify(images, { modelId: options.model ?? undefined, minConfidence: options.minConfidence, maxResults: options.maxResults }),
    );
  }

  async labelDetection(files: UploadArg[], maxResults: number): Promise<ClassificationResult[]> {
    this.beforeReading(files, () => checkMaxResults(maxResults));
    const read = await this.readAll(files);
    return this.label(read, (images) => this.vision.labelImages(images, maxResults));
  }

  /** Runs the checks that can refuse a request outright; a refused request's uploads are drained, not read. */
  private beforeReading(files: UploadArg[], checks: () => void): void {
    try {
      this.checkFileCount(files);
      checks();
    } catch (error) {
      discardUploads(files);
      throw error;
    }
  }

  private checkFileCount(files: UploadArg[]): void {
    if (files.length === 0) throw badUserInput('`files` must hold at least one file.', { argument: 'files' });
    if (files.length > this.limits.maxUploadFiles) {
      throw new GatewayError(ErrorCode.TooManyFiles, `At most ${this.limits.maxUploadFiles} files per request, got ${files.length}.`, {
        argument: 'files',
      });
    }
  }

  private async readAll(files: UploadArg[]): Promise<ReadFile[]> {
    // Read every file, even after one fails: the client sent them all and each deserves an answer.
    return Promise.all(files.map((file) => this.readOne(file)));
  }

  private async readOne(file: UploadArg): Promise<ReadFile> {
    let upload: FileUpload;
    try {
      upload = await file;
    } catch (error) {
      return { filename: '', mimetype: null, bytes: null, size: null, error: failureOf(error, ErrorCode.BadUserInput) };
    }
    try {
      const { bytes } = await readUpload(upload, this.limits.maxUploadBytes);
      // Neither the decoder nor Cloud Vision is handed a file that is not an accepted image format.
      const error = sniffImageFormat(bytes) ? null : { code: ErrorCode.UnsupportedImage, message: notAcceptedMessage() };
      return { filename: upload.filename, mimetype: upload.mimetype ?? null, bytes: error ? null : bytes, size: bytes.length, error };
    } catch (error) {
      return { filename: upload.filename, mimetype: upload.mimetype ?? null, bytes: null, size: null, error: failureOf(error, ErrorCode.UnsupportedImage) };
    }
  }

  private async label(files: ReadFile[], run: (images: Buffer[]) => Promise<ImageOutcome[]>): Promise<ClassificationResult[]> {
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

function failureOf(error: unknown, fallback: ErrorCode): ImageFailure {
  if (isGatewayError(error)) return { code: error.code, message: error.message };
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}
