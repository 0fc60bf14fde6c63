import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';

interface Tracked {
  id: string;
  dir: string;
  /** Never unloaded (the default model). */
  pinned: () => boolean;
  inUse: number;
  lastUsed: number;
  loaded: boolean;
  loading?: Promise<void>;
}

export interface IdleModelsOptions {
  /** Unload a model unused this long; 0: never. */
  idleMs: number;
  load(key: string, dir: string): Promise<unknown>;
  unload(key: string): void;
}

/** A request's hold on a model: `ready` settles once it is loaded (again); `release` when the request is done. */
export interface ModelUse {
  ready: Promise<void>;
  release(): void;
}

const log = logger.child({ component: 'models' });

/**
 * Unloads models nobody asked for in a while from the inference workers (each holds every model's
 * weights), and loads one again when a request names it: that first request pays the load. A model in
 * use, or pinned (the default), is never unloaded. Keyed by the pool's model key (one per loaded version).
 */
export class IdleModels {
  private readonly models = new Map<string, Tracked>();
  private readonly timer?: NodeJS.Timeout;

  constructor(private readonly options: IdleModelsOptions) {
    if (options.idleMs > 0) this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(100, options.idleMs / 4))).unref();
  }

  track(key: string, id: string, dir: string, pinned: () => boolean): void {
    this.models.set(key, { id, dir, pinned, inUse: 0, lastUsed: Date.now(), loaded: true });
  }

  forget(key: string): void {
    this.models.delete(key);
  }

  use(key: string): ModelUse {
    const model = this.models.get(key);
    if (!model) return { ready: Promise.resolve(), release: () => undefined };
    model.inUse++;
    let released = false;
    return {
      ready: model.loaded ? Promise.resolve() : this.reload(key, model),
      release: () => {
        if (released) return;
        released = true;
        model.inUse--;
        model.lastUsed = Date.now();
      },
    };
  }

  /** Unloads every model idle for `idleMs` by `now`. */
  sweep(now = Date.now()): void {
    for (const [key, model] of this.models) {
      if (!model.loaded || model.loading || model.inUse > 0 || model.pinned() || now - model.lastUsed < this.options.idleMs) continue;
      model.loaded = false;
      this.options.unload(key);
      log.info({ model: model.id, idleSeconds: Math.round((now - model.lastUsed) / 1000) }, 'idle model unloaded from the inference workers');
    }
  }

  isLoaded(key: string): boolean {
    return this.models.get(key)?.loaded ?? false;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private reload(key: string, model: Tracked): Promise<void> {
    model.loading ??= this.options
      .load(key, model.dir)
      .then(() => {
        model.loaded = true;
        log.info({ model: model.id }, 'idle model loaded again');
      })
      .catch((error: unknown) => {
        log.error({ model: model.id, err: error }, 'idle model could not be loaded again');
        throw new GatewayError(ErrorCode.ModelUnavailable, `Model "${model.id}" could not be loaded again; retry shortly.`, { modelId: model.id });
      })
      .finally(() => (model.loading = undefined));
    return model.loading;
  }
}
