import { constants as fsConstants, promises as fs } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { GatewayServices } from './services';

/** One optional feature: available, or why not and how an operator turns it on (never a server path). */
export interface CapabilityStatus {
  available: boolean;
  reason: string | null;
}

export interface GatewayCapabilities {
  classify: CapabilityStatus;
  labelDetection: CapabilityStatus;
  similarImages: CapabilityStatus;
  training: CapabilityStatus;
}

const AVAILABLE: CapabilityStatus = { available: true, reason: null };
const unavailable = (reason: string): CapabilityStatus => ({ available: false, reason });

/**
 * Which optional features this gateway can serve now, each by the decision the feature itself makes:
 * a READY model, the Vision client's credentials, the EMBEDDINGS index, TRAINING_DATA_ROOT.
 */
export async function gatewayCapabilities(services: GatewayServices): Promise<GatewayCapabilities> {
  const [labelDetection, similarImages, training] = await Promise.all([visionCapability(services), embeddingsCapability(services), trainingCapability(services)]);
  return { classify: classifyCapability(services), labelDetection, similarImages, training };
}

function classifyCapability({ models }: GatewayServices): CapabilityStatus {
  if (models.list().some((model) => model.status === 'READY')) return AVAILABLE;
  return unavailable('No model is served: set MODEL_DIR to a TensorFlow.js or ONNX model folder, or put model folders in MODELS_DIR, and restart.');
}

async function visionCapability({ vision }: GatewayServices): Promise<CapabilityStatus> {
  const { available, reason } = await vision.availability();
  return available ? AVAILABLE : unavailable(reason ?? 'Cloud Vision is not configured.');
}

async function embeddingsCapability({ embeddings }: GatewayServices): Promise<CapabilityStatus> {
  if (!embeddings) return unavailable('Similarity search is off: set EMBEDDINGS to a Parquet file written by `npm run embed` and restart.');
  // Still loading counts as available (queries wait for it); a load that failed does not.
  const state = await Promise.race([
    embeddings.ready.then(
      () => 'ready',
      () => 'failed',
    ),
    nextTurn().then(() => 'loading'),
  ]);
  if (state === 'failed')
    return unavailable('The EMBEDDINGS file cannot be searched (see the gateway log): set EMBEDDINGS to a Parquet file written by `npm run embed` and restart.');
  return AVAILABLE;
}

/** trainModel accepts jobs whether this replica runs them or queues them for a worker (TRAINING_WORKER=false). */
async function trainingCapability({ config }: GatewayServices): Promise<CapabilityStatus> {
  if (!config.trainingDataRoot) return unavailable('Training is off: set TRAINING_DATA_ROOT to the folder that holds training data and restart.');
  try {
    await fs.access(config.trainingDataRoot, fsConstants.R_OK | fsConstants.X_OK);
    return AVAILABLE;
  } catch {
    return unavailable('Training is off: the TRAINING_DATA_ROOT folder cannot be read by the gateway; make it readable, or set TRAINING_DATA_ROOT to another folder.');
  }
}
