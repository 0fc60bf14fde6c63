import { hasScope, type Caller } from './caller';
import { ErrorCode, GatewayError, quoteInput } from '../errors';
import { logger } from '../logger';
import type { GatewayMarker } from '../models/gatewayMarker';
import type { ModelRegistry } from '../models/ModelRegistry';
import type { ModelRepository } from '../models/repository/ModelRepository';

/**
 * Who may write or remove which model. Only models the gateway wrote (holding its marker) in the model
 * repository (MODEL_REPOSITORY, default MODELS_DIR) are ever replaced or deleted, and only by the caller that trained them or an admin; the
 * default model, MODEL_DIR and every folder the gateway did not write are left alone.
 */
export class ModelOwnership {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly repository: ModelRepository,
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

  /** Stops serving the caller's trained model and removes it from the repository: the other replicas drop it at their next poll. */
  async delete(modelId: string, caller: Caller): Promise<boolean> {
    const found = await this.find(modelId);
    if (!found) throw new GatewayError(ErrorCode.ModelNotFound, `No model ${quoteInput(modelId)}.`, { modelId });
    const marker = this.checkOwned(found, modelId, caller, 'deleted');
    this.registry.unregister(modelId);
    // The repository checks every version's marker again, right before removing: only what the gateway wrote goes.
    await this.repository.remove(modelId);
    logger.info({ model: modelId, by: caller.id, owner: marker.owner }, 'model deleted');
    return true;
  }

  /** The model under this id, served or only stored in the repository (not loadable, or not polled yet). */
  private async find(modelId: string): Promise<{ marker?: GatewayMarker; configured: boolean; fromRepository: boolean } | undefined> {
    const served = this.registry.origin(modelId);
    if (served) return served;
    const stored = await this.repository.find(modelId);
    return stored && { marker: stored.marker, configured: false, fromRepository: true };
  }

  private checkOwned(found: { marker?: GatewayMarker; configured: boolean; fromRepository: boolean }, modelId: string, caller: Caller, what: string): GatewayMarker {
    const { marker } = found;
    if (!marker || found.configured || !found.fromRepository) {
      throw new GatewayError(ErrorCode.Forbidden, `The model ${quoteInput(modelId)} was not trained through this gateway and is never ${what}; choose another id.`, { modelId });
    }
    if (marker.owner !== caller.id && !hasScope(caller, 'admin')) {
      throw new GatewayError(ErrorCode.Forbidden, `The model ${quoteInput(modelId)} belongs to another caller and cannot be ${what} by you.`, { modelId });
    }
    return marker;
  }
}
