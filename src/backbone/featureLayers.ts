import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs';
import type { Tf } from '../models/tfBackend';

export class BackboneError extends Error {
  override name = 'BackboneError';
}

/** One layer of a feature spec and how its maps are pooled (undefined: the layer is already a vector). */
export interface FeatureLayer {
  layer: string;
  pools?: Array<'avg' | 'max'>;
}

/**
 * `layer`, or a comma-separated list `layer[:avg|max|avg+max], ...` whose pooled outputs are concatenated
 * (e.g. `dwconv_13,conv_28:avg+max`). A map is average-pooled unless told otherwise.
 */
export function parseFeatureLayers(spec: string): FeatureLayer[] {
  return spec.split(',').map((part) => {
    const [layer, pooling, extra] = part.trim().split(':');
    if (!layer || extra !== undefined) throw new BackboneError(`feature layer "${part.trim()}" must be a layer name, optionally followed by :avg, :max or :avg+max`);
    if (pooling === undefined) return { layer };
    const pools = pooling.split('+');
    if (pools.length === 0 || pools.some((pool) => pool !== 'avg' && pool !== 'max') || new Set(pools).size !== pools.length) {
      throw new BackboneError(`feature layer "${part.trim()}": pooling must be avg, max or avg+max`);
    }
    return { layer, pools: pools as Array<'avg' | 'max'> };
  });
}

/** Whether `layer` is `source` or is computed from its output (so fine-tuning after `source` changes it). */
export function dependsOn(model: LayersModel, layer: string, source: string): boolean {
  const seen = new Set<string>();
  const visit = (current: layers.Layer): boolean => {
    if (current.name === source) return true;
    if (seen.has(current.name)) return false;
    seen.add(current.name);
    return (current.inboundNodes[0]?.inboundLayers ?? []).some(visit);
  };
  return visit(model.getLayer(layer));
}

/** Global pooling layers applied to a map, one per pooling asked for (average when none), named by `nameOf`. */
export function poolMaps(tf: Tf, maps: SymbolicTensor, pools: Array<'avg' | 'max'> | undefined, nameOf: (pool: 'avg' | 'max') => string): SymbolicTensor[] {
  return (pools ?? ['avg']).map((pool) => {
    const pooling = pool === 'max' ? tf.layers.globalMaxPooling2d({ name: nameOf(pool) }) : tf.layers.globalAveragePooling2d({ name: nameOf(pool) });
    return pooling.apply(maps) as SymbolicTensor;
  });
}
