import path from 'node:path';
import type { GatewayConfig } from '../config';
import { ErrorCode, GatewayError, badUserInput } from '../errors';
import { logger } from '../logger';
import { shippedModelDir } from '../paths';
import type { GatewayMetrics } from '../metrics';
import { defaultOnnxConversion, type OnnxConversion } from '../runtime/onnx/conversion';
import type { ModelPlan } from '../runtime/types';
import type { GatewayMarker } from './gatewayMarker';
import { MODEL_ID_PATTERN, SHIPPED_MODEL_ID, configuredDefaultFolder } from './discoverModels';
import { NO_MODEL_MESSAGE, describe, describeFailure, parseModelRef, type ModelEntry } from './modelEntry';
import { FolderRepository } from './repository/FolderRepository';
import type { ModelRepository } from './repository/ModelRepository';
import { RepositorySync } from './RepositorySync';
import { IdleModels } from './idleModels';
import { InferencePool } from './InferencePool';
import { loadModelEntry } from './loadModelEntry';
import { topPredictions } from './topPredictions';
import { assertDecodeRoom, decodeImages } from './uploadStage';
import type { ImageOutcome, LabelOptions, ModelInfo } from './types';

export type { ImageFailure, ImageOutcome, LabelOptions, ModelInfo, Prediction } from './types';
export { NO_MODEL_MESSAGE } from './modelEntry';

const log = logger.child({ component: 'models' });

export interface RegistryOptions {
  /** TF.js -> ONNX conversion of the TF.js folders it loads; default: src/runtime/onnx/conversion.ts `defaultOnnxConversion`. */
  onnxConversion?: OnnxConversion;
  /** Where the models other than the configured default come from; default: a folder repository in MODELS_DIR. */
  repository?: ModelRepository;
}

/**
 * The models the gateway serves, by id: MODEL_DIR or the shipped model (the default) and the newest
 * version of each model in the model repository, kept in step with it by RepositorySync. Classification
 * runs on a shared pool of inference workers.
 */
export class ModelRegistry {
  private readonly models = new Map<string, ModelEntry>();
  /** Models found that could not be loaded, by id, listed by `list()` with their error. */
  private readonly loadErrors = new Map<string, { message: string; fromRepository: boolean }>();
  readonly repository: ModelRepository;
  private readonly sync: RepositorySync;
  private pool?: Promise<InferencePool>;
  private startedPool?: InferencePool;
  private defaultId?: string;
  private version = 0;
  private closed = false;
  private readonly idle: IdleModels;

  private readonly plans = new Map<string, ModelPlan>();
  private readonly onnxConversion: OnnxConversion;

  private constructor(
    private readonly config: GatewayConfig,
    private readonly metrics?: GatewayMetrics,
    options: RegistryOptions = {},
  ) {
    this.onnxConversion = options.onnxConversion ?? defaultOnnxConversion;
    this.repository = options.repository ?? new FolderRepository(config.modelsDir);
    this.sync = new RepositorySync(this.repository, this);
    this.idle = new IdleModels({
      idleMs: config.modelIdleUnloadS * 1000,
      load: (key, dir) => this.startPool().then((pool) => pool.load(key, dir, this.plans.get(key))),
      unload: (key) => this.startedPool?.unload(key),
    });
  }

  /** Loads every model it finds; a missing or broken model is logged and left out, never thrown. */
  static async create(config: GatewayConfig, metrics?: GatewayMetrics, options?: RegistryOptions): Promise<ModelRegistry> {
    const registry = new ModelRegistry(config, metrics, options);
    const configured = configuredDefaultFolder(config);
    if (configured) {
      try {
        await registry.register(configured.id, configured.dir);
      } catch (error) {
        registry.loadErrors.set(configured.id, { message: (error as Error).message, fromRepository: false });
        log.error({ model: configured.id, dir: configured.dir, reason: (error as Error).message }, 'model not loaded');
      }
    }
    await registry.sync.syncOnce();
    registry.defaultId = config.modelDir
      ? path.basename(path.resolve(config.modelDir))
      : config.defaultModel === 'shipped'
        ? SHIPPED_MODEL_ID
        : [...registry.models.keys()].sort()[0];
    if (registry.models.size === 0 && registry.loadErrors.size === 0) log.warn({ repository: registry.repository.location }, NO_MODEL_MESSAGE);
    return registry;
  }

  /** Reads the repository every `intervalMs` from now on: new versions load, removed models unload. */
  startPolling(intervalMs: number): void {
    this.sync.start(intervalMs);
  }

  /** Served models and the ones that failed to load at start, by id. */
  list(): ModelInfo[] {
    const served = [...this.models.values()].map((entry) => describe(entry, entry.id === this.defaultId));
    const failed = [...this.loadErrors]
      .filter(([id]) => !this.models.has(id))
      .map(([id, { message }]) => describeFailure(id, message, id === this.defaultId, this.startedPool?.backend ?? 'none'));
    return [...served, ...failed].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** MODEL_DIR's model when set, else the shipped one (unless DEFAULT_MODEL=none), else the first model by name at start, else the first registered. */
  get defaultModelId(): string | undefined {
    return this.defaultId;
  }

  /**
   * Throws OVERLOADED when the inference queue cannot take `count` more images now, so that a caller can
   * refuse a request without reading its uploads. Reserves nothing: `classify` still admits for real.
   */
  assertRoomFor(count: number): void {
    this.startedPool?.assertRoom(count);
  }

  /**
   * One outcome per image, in order. Unknown modelId -> GatewayError MODEL_NOT_FOUND; no model at all ->
   * MODEL_UNAVAILABLE; a full queue -> OVERLOADED, before any decoding. Per-image decode problems are outcomes.
   */
  async classify(images: Buffer[], options: LabelOptions & { modelId?: string }): Promise<ImageOutcome[]> {
    const entry = this.resolve(options.modelId);
    const pool = this.startedPool;
    if (this.closed) throw new GatewayError(ErrorCode.ShuttingDown, 'The model runtime is shutting down.');
    if (!pool) throw new GatewayError(ErrorCode.ModelUnavailable, 'The model runtime has not started: no model could be loaded.');
    assertDecodeRoom(this.config, images.length);
    const admission = pool.admit(images.length);
    entry.pendingRequests++;
    const use = this.idle.use(entry.key); // loads the model again if it was unloaded while idle, during the decodes
    use.ready.catch(() => undefined); // awaited below
    try {
      const decoded = await decodeImages(images, entry.input, this.config);
      const pixels = decoded.flatMap((image) => (image.pixels ? [image.pixels] : []));
      await use.ready;
      const scores = await pool.run({ key: entry.key, label: entry.id }, pixels, admission).catch((error: unknown) => {
        if (error instanceof GatewayError) throw error;
        log.error({ model: entry.id, err: error }, 'inference failed');
        throw new GatewayError(ErrorCode.ModelUnavailable, `Inference with model "${entry.id}" failed.`);
      });
      let next = 0;
      return decoded.map((image) => (image.error ? { error: image.error } : { labels: topPredictions(scores[next++], entry.spec.labels, entry.spec.mids, options) }));
    } finally {
      admission.release();
      use.release();
      entry.pendingRequests--;
      this.unloadIfRetired(entry);
    }
  }

  /**
   * Loads (or reloads) a model folder under `id`, then switches to it: requests already running finish
   * on the version they started with. `from`: its repository version, when it came from the repository.
   */
  async register(id: string, dir: string, from: { version: number | null; fromRepository: boolean } = { version: null, fromRepository: false }): Promise<ModelInfo> {
    if (this.closed) throw new GatewayError(ErrorCode.ShuttingDown, 'The model runtime is shutting down.');
    if (!MODEL_ID_PATTERN.test(id)) throw badUserInput(`Model id "${id}" must be letters, digits, ".", "_" or "-" (at most 100)`);
    const pool = await this.startPool();
    const key = `${id}#${++this.version}`;
    const load = { id, dir, from, key, configuredDefault: this.isConfiguredDefault(dir) };
    const entry = await loadModelEntry(load, pool, this.plans, this.config, this.onnxConversion);
    const previous = this.models.get(id);
    this.models.set(id, entry);
    this.idle.track(key, id, dir, () => id === this.defaultId);
    this.loadErrors.delete(id);
    this.defaultId ??= id;
    if (previous) {
      previous.retired = true;
      this.unloadIfRetired(previous);
    }
    log.info(
      {
        model: id,
        version: from.version,
        dir,
        runtime: entry.runtime,
        backend: entry.backend,
        fallbackReason: entry.fallbackReason,
        labels: entry.spec.labels.length,
        inputSize: entry.inputSize,
      },
      'model loaded',
    );
    return describe(entry, id === this.defaultId);
  }

  /**
   * Where a served model's folder is, and its gateway marker when the gateway trained it. `configured`:
   * MODEL_DIR or the shipped model, which no caller may replace (a trained model that merely became the
   * default because it was the first one served is still its owner's).
   */
  origin(id: string): { dir: string; marker?: GatewayMarker; configured: boolean; fromRepository: boolean } | undefined {
    const entry = this.models.get(id);
    return entry && { dir: entry.dir, marker: entry.marker, configured: this.isConfiguredDefault(entry.dir), fromRepository: entry.fromRepository };
  }

  served(id: string): { version: number | null; fromRepository: boolean } | undefined {
    const entry = this.models.get(id);
    return entry && { version: entry.version, fromRepository: entry.fromRepository };
  }

  /** Ids read from the repository: served, or found there and not loadable. */
  repositoryModelIds(): string[] {
    const failed = [...this.loadErrors].filter(([, error]) => error.fromRepository).map(([id]) => id);
    return [...new Set([...[...this.models.values()].filter((entry) => entry.fromRepository).map((entry) => entry.id), ...failed])];
  }

  loadFailed(id: string, message: string): void {
    this.loadErrors.set(id, { message, fromRepository: true });
  }

  private isConfiguredDefault(dir: string): boolean {
    const resolved = path.resolve(dir);
    if (this.config.modelDir) return resolved === path.resolve(this.config.modelDir);
    return this.config.defaultModel === 'shipped' && resolved === shippedModelDir();
  }

  /** Stops serving a model (requests already running finish on it); its folder is the caller's business. */
  unregister(id: string): boolean {
    const entry = this.models.get(id);
    this.loadErrors.delete(id);
    if (!entry) return false;
    this.models.delete(id);
    // A trained model that had become the default (the first one served) hands the role on, as at start.
    if (this.defaultId === id) this.defaultId = [...this.models.keys()].sort()[0];
    entry.retired = true;
    this.unloadIfRetired(entry);
    log.info({ model: id }, 'model unregistered');
    return true;
  }

  /** False while shutting down or while every inference worker is down; true with no model installed (a setup state, not a transient one). */
  isReady(): boolean {
    if (this.closed) return false;
    return this.models.size === 0 || (this.startedPool?.liveWorkers ?? 0) > 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sync.stop();
    this.idle.close();
    const pool = await this.pool?.catch(() => undefined);
    await pool?.close();
  }

  /** @internal the worker pool, for tests and benchmarks that look inside (memory, crashes). */
  get inferencePool(): InferencePool | undefined {
    return this.startedPool;
  }

  /** `id`, `id@version` (served only while that version is the one loaded, as TF Serving's latest-version policy does) or the default. */
  private resolve(modelId: string | undefined): ModelEntry {
    const ref = modelId === undefined ? undefined : parseModelRef(modelId);
    const id = ref?.id ?? this.defaultId;
    const entry = id === undefined ? undefined : this.models.get(id);
    if (entry && ref?.version !== undefined && entry.version !== ref.version) {
      const serving = entry.version === null ? 'it has no versions' : `version ${entry.version} is served`;
      throw new GatewayError(ErrorCode.ModelNotFound, `Model "${entry.id}" version ${ref.version} is not loaded (${serving}).`, { modelId });
    }
    if (entry) return entry;
    if (this.models.size === 0 || modelId === undefined) {
      const reason = id !== undefined && this.loadErrors.get(id)?.message;
      throw new GatewayError(ErrorCode.ModelUnavailable, reason ? `The default model "${id}" could not be loaded (${reason}). ${NO_MODEL_MESSAGE}` : NO_MODEL_MESSAGE);
    }
    throw new GatewayError(ErrorCode.ModelNotFound, `No model "${modelId}". Available: ${[...this.models.keys()].sort().join(', ')}.`, {
      modelId,
    });
  }

  private startPool(): Promise<InferencePool> {
    this.pool ??= InferencePool.start({ ...this.config.inference, onnxThreads: this.config.onnxThreads, metrics: this.metrics }).then(
      (pool) => (this.startedPool = pool),
      (error: unknown) => {
        this.pool = undefined;
        throw error;
      },
    );
    return this.pool;
  }

  private unloadIfRetired(entry: ModelEntry): void {
    if (!entry.retired || entry.pendingRequests > 0) return;
    this.idle.forget(entry.key);
    this.plans.delete(entry.key);
    this.startedPool?.unload(entry.key);
  }
}
