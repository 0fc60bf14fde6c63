import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LayersModel, io } from '@tensorflow/tfjs';
import { isForeignPath, writeGatewayMarker } from '../models/gatewayMarker';
import type { Tf } from '../models/tfBackend';

/** What metadata.json holds besides the labels: read by src/models (labels, inputSize, inputRange, outputs, evaluation). */
export interface TrainedModelMetadata {
  labels: string[];
  inputSize: number;
  inputRange: [number, number];
  outputs: 'probabilities';
  /** Trained on mirror images too: the runtime averages each image's scores with its mirror image's. */
  testTimeMirror?: boolean;
  multiLabel: boolean;
  backbone: string;
  evaluation: unknown;
  training: Record<string, unknown>;
}

const WEIGHTS_FILE = 'weights.bin';

/** `dir` holds something the gateway did not write: it is left as it is. */
export class ForeignModelFolderError extends Error {
  override name = 'ForeignModelFolderError';
}

/**
 * Writes a TF.js layers model folder that MODEL_DIR, MODELS_DIR and `classify(model:)` load as is:
 * model.json + weights.bin (one shard), metadata.json, and evaluation.json (the same report as
 * metadata.json's "evaluation"), `extraFiles` (the evaluation's TEST photos), and the gateway marker (.gateway-model.json). The folder is written
 * beside `dir` and renamed into place, so a reader never sees half a model. An existing `dir` is replaced
 * only when it carries the marker: a folder the gateway did not write is never removed.
 */
export async function writeModelFolder(
  tf: Tf,
  model: LayersModel,
  dir: string,
  metadata: TrainedModelMetadata,
  by: { owner?: string; jobId?: string } = {},
  /** More files of the model (the evaluation's TEST photos), by name. */
  extraFiles: Record<string, Buffer> = {},
): Promise<void> {
  const target = path.resolve(dir);
  // A leading dot: model discovery skips it if the process stops half-way.
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}-${Date.now()}`);
  await fs.mkdir(staging, { recursive: true });
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts) => {
        const weights = concatenate(artifacts.weightData);
        const modelJson = {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        };
        await fs.writeFile(path.join(staging, 'model.json'), JSON.stringify(modelJson));
        await fs.writeFile(path.join(staging, WEIGHTS_FILE), weights);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
      }),
    );
    await fs.writeFile(path.join(staging, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    await fs.writeFile(path.join(staging, 'evaluation.json'), `${JSON.stringify(metadata.evaluation, null, 2)}\n`);
    for (const [name, content] of Object.entries(extraFiles)) await fs.writeFile(path.join(staging, name), content);
    await writeGatewayMarker(staging, by);
    if (await isForeignPath(target)) throw new ForeignModelFolderError(`${target} exists and was not written by the gateway: it is left as it is`);
    await fs.rm(target, { recursive: true, force: true });
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(staging, target);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
}

function concatenate(data: io.ModelArtifacts['weightData']): Buffer {
  const parts = Array.isArray(data) ? data : data ? [data] : [];
  return Buffer.concat(parts.map((part) => Buffer.from(part)));
}
