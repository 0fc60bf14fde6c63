import { logger } from '../logger';
import type { ModelRepository, RepositoryModel } from './repository/ModelRepository';
import { PollLoop } from '../pollLoop';

const log = logger.child({ component: 'model-repository' });

/** What the sync needs of the registry: what it serves from the repository, and loading and unloading. */
export interface SyncTarget {
  /** The version served under `id` and whether it came from the repository; undefined when none is. */
  served(id: string): { version: number | null; fromRepository: boolean } | undefined;
  repositoryModelIds(): string[];
  register(id: string, dir: string, from: { version: number | null; fromRepository: true }): Promise<unknown>;
  unregister(id: string): boolean;
  loadFailed(id: string, message: string): void;
}

/**
 * Keeps a replica's models in step with the repository, as TF Serving and Triton poll theirs: a new or
 * replaced version is loaded (the registry switches to it once it is loaded, requests on the old one
 * finish there), and a model gone from the repository is unloaded. A version that failed to load is not
 * tried again until a newer one appears.
 */
export class RepositorySync {
  private readonly failed = new Map<string, number | null>();
  private running?: Promise<void>;
  private readonly loop = new PollLoop(() => this.syncOnce());

  constructor(
    private readonly repository: ModelRepository,
    private readonly target: SyncTarget,
  ) {}

  /** One pass; concurrent callers share it. */
  syncOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Polls every `intervalMs` until `stop`. */
  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  stop(): void {
    this.loop.stop();
  }

  private async pass(): Promise<void> {
    let found: RepositoryModel[];
    try {
      found = await this.repository.scan();
    } catch (error) {
      // A repository that cannot be read now (a network blip) changes nothing: what is served stays served.
      log.warn({ repository: this.repository.location, err: error }, 'model repository could not be read; serving what is loaded');
      return;
    }
    const present = new Set(found.map((model) => model.id));
    for (const model of found) {
      if (this.loop.stopped) return;
      const served = this.target.served(model.id);
      if (served && !served.fromRepository) continue; // the configured default keeps its id
      if (served?.version === model.version || (this.failed.has(model.id) && this.failed.get(model.id) === model.version)) continue;
      try {
        const dir = await this.repository.localFolder(model);
        await this.target.register(model.id, dir, { version: model.version, fromRepository: true });
        this.failed.delete(model.id);
      } catch (error) {
        this.failed.set(model.id, model.version);
        if (!served) this.target.loadFailed(model.id, (error as Error).message);
        log.error({ model: model.id, version: model.version, reason: (error as Error).message }, 'model version not loaded');
      }
    }
    for (const id of this.target.repositoryModelIds()) {
      if (present.has(id)) continue;
      this.target.unregister(id);
      log.info({ model: id, repository: this.repository.location }, 'model gone from the repository: unloaded');
    }
    for (const id of this.failed.keys()) if (!present.has(id)) this.failed.delete(id);
  }
}
