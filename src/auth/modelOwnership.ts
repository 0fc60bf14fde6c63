import { promises as fs } from 'node:fs';
import path from 'node:path';
import { hasScope, type Caller } from './caller';
import { ErrorCode, GatewayError, quoteInput } from '../errors';
import { logger } from '../logger';
import { readGatewayMarker, type GatewayMarker } from '../models/gatewayMarker';
import type { ModelRegistry } from '../models/ModelRegistry';

/**
 * Who may write or remove which model. Only folders the gateway wrote (holding its marker) directly in
 * MODELS_DIR are ever replaced or deleted, and only by the caller that trained them or an admin; the
 * default model, MODEL_DIR and every folder the gateway did not write are left alone.
 */
export class ModelOwnership {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly modelsDir: string,
  ) {}

  /** Throws unless `caller` may train into `modelId`: a new id, or its own trained model with `replace`. */
  async checkTrainable(modelId: string, caller: Caller, replace: boolean): Promise<void> {
    const found = await this.find(modelId);
    if (!found) return;
    this.checkOwned(found, modelId, caller, 'replaced');
    if (!replace) {
      throw new GatewayError(
        ErrorCode.ModelExists,
        `You already have a model ${quoteInput(modelId)}; give \`replace: true\` to replace it once the new one is trained, or choose another id.`,
        {
          argument: 'modelId',
        },
      );
    }
  }

  /** Stops serving the caller's trained model and removes its folder. */
  async delete(modelId: string, caller: Caller): Promise<boolean> {
    const found = await this.find(modelId);
    if (!found) throw new GatewayError(ErrorCode.ModelNotFound, `No model ${quoteInput(modelId)}.`, { modelId });
    const marker = this.checkOwned(found, modelId, caller, 'deleted');
    this.registry.unregister(modelId);
    // Checked again on the folder itself, right before removing it: only what the gateway wrote goes.
    if (await readGatewayMarker(found.dir)) await fs.rm(found.dir, { recursive: true, force: true });
    logger.info({ model: modelId, by: caller.id, owner: marker.owner }, 'model deleted');
    return true;
  }

  /** The model under this id, served or only on disk in MODELS_DIR. */
  private async find(modelId: string): Promise<{ dir: string; marker?: GatewayMarker; configured: boolean; inModelsDir: boolean } | undefined> {
    const folder = path.join(path.resolve(this.modelsDir), modelId);
    const served = this.registry.origin(modelId);
    if (served) return { ...served, inModelsDir: served.dir === folder };
    const exists = await fs.lstat(folder).then(
      () => true,
      () => false,
    );
    if (!exists) return undefined;
    return { dir: folder, marker: await readGatewayMarker(folder), configured: false, inModelsDir: true };
  }

  private checkOwned(found: { marker?: GatewayMarker; configured: boolean; inModelsDir: boolean }, modelId: string, caller: Caller, what: string): GatewayMarker {
    const { marker } = found;
    if (!marker || found.configured || !found.inModelsDir) {
      throw new GatewayError(ErrorCode.Forbidden, `The model ${quoteInput(modelId)} was not trained through this gateway and is never ${what}; choose another id.`, { modelId });
    }
    if (marker.owner !== caller.id && !hasScope(caller, 'admin')) {
      throw new GatewayError(ErrorCode.Forbidden, `The model ${quoteInput(modelId)} belongs to another caller and cannot be ${what} by you.`, { modelId });
    }
    return marker;
  }
}
