import { promises as fs } from 'node:fs';
import path from 'node:path';
import { logger } from '../../logger';
import { MODEL_ID_PATTERN } from '../discoverModels';
import { isForeignPath, readGatewayMarker } from '../gatewayMarker';
import { isModelFolder } from '../modelFolder';
import { ForeignModelError } from './foreignModel';
import { KEPT_VERSIONS, VERSION_NAME, type ModelRepository, type RepositoryModel, type StoredModel } from './ModelRepository';

const log = logger.child({ component: 'model-repository' });

/**
 * A model repository in a folder (MODELS_DIR by default, or a shared filesystem every replica mounts).
 * A version is written beside its model folder under a dot name and renamed into `<id>/<version>/`:
 * the rename is what makes it visible. Folders without versions (`<id>/model.json`: downloads, `npm run
 * train`) are served as they always were, with version null.
 */
export class FolderRepository implements ModelRepository {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get location(): string {
    return this.root;
  }

  async scan(): Promise<RepositoryModel[]> {
    const names = await fs.readdir(this.root).catch(() => [] as string[]);
    const models: RepositoryModel[] = [];
    for (const id of names.sort()) {
      if (!MODEL_ID_PATTERN.test(id)) continue;
      const dir = path.join(this.root, id);
      if (await isModelFolder(dir)) models.push({ id, version: null });
      else {
        const version = (await this.versions(id)).at(-1);
        if (version !== undefined) models.push({ id, version });
      }
    }
    return models;
  }

  async localFolder(model: RepositoryModel): Promise<string> {
    return this.folderOf(model);
  }

  folderOf(model: RepositoryModel): string {
    return model.version === null ? path.join(this.root, model.id) : path.join(this.root, model.id, String(model.version));
  }

  async publish(modelId: string, folder: string): Promise<RepositoryModel> {
    const base = path.join(this.root, modelId);
    await this.moveAsideUnversioned(modelId);
    await fs.mkdir(base, { recursive: true });
    // Two publishers may pick the same number: the second rename finds a non-empty folder and tries the next.
    for (let attempt = 0; attempt < 20; attempt++) {
      const version = ((await this.versions(modelId)).at(-1) ?? 0) + 1;
      try {
        await fs.rename(folder, path.join(base, String(version)));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') continue;
        throw error;
      }
      await this.pruneOldVersions(modelId);
      log.info({ model: modelId, version, repository: this.root }, 'model version published');
      return { id: modelId, version };
    }
    throw new Error(`could not publish a new version of ${modelId}: the version numbers kept being taken`);
  }

  async find(modelId: string): Promise<StoredModel | undefined> {
    const base = path.join(this.root, modelId);
    if (!(await fs.lstat(base).catch(() => undefined))) return undefined;
    if (await isModelFolder(base)) return { marker: await readGatewayMarker(base) };
    const newest = (await this.versions(modelId)).at(-1);
    if (newest === undefined) return (await fs.readdir(base).catch(() => [])).length === 0 ? undefined : {};
    return { marker: await readGatewayMarker(path.join(base, String(newest))) };
  }

  async remove(modelId: string): Promise<boolean> {
    const base = path.join(this.root, modelId);
    if (!(await fs.lstat(base).catch(() => undefined))) return false;
    const versions = await this.versions(modelId);
    const folders = (await isModelFolder(base)) ? [base] : versions.map((version) => path.join(base, String(version)));
    for (const folder of folders) if (await isForeignPath(folder)) throw new ForeignModelError(`${folder} was not written by the gateway: it is left as it is`);
    // Renamed away first, so every replica sees the model gone at once rather than half-removed.
    const trash = path.join(this.root, `.${modelId}.removed-${process.pid}-${Date.now()}`);
    await fs.rename(base, trash);
    await fs.rm(trash, { recursive: true, force: true });
    return true;
  }

  stagingFolder(jobId: string): string {
    return path.join(this.root, '.staging', jobId);
  }

  /** The complete versions of a model, oldest first. */
  async versions(modelId: string): Promise<number[]> {
    const base = path.join(this.root, modelId);
    const names = await fs.readdir(base).catch(() => [] as string[]);
    const versions: number[] = [];
    for (const name of names) if (VERSION_NAME.test(name) && (await isModelFolder(path.join(base, name)))) versions.push(Number(name));
    return versions.sort((a, b) => a - b);
  }

  /** A trained model written before versions (`<id>/model.json`) becomes the folder of versions it is replaced into. */
  private async moveAsideUnversioned(modelId: string): Promise<void> {
    const base = path.join(this.root, modelId);
    if (!(await isModelFolder(base))) {
      if (
        await fs.lstat(base).then(
          (stat) => !stat.isDirectory(),
          () => false,
        )
      )
        throw new ForeignModelError(`${base} is not a folder: it is left as it is`);
      return;
    }
    if (await isForeignPath(base)) throw new ForeignModelError(`${base} exists and was not written by the gateway: it is left as it is`);
    const trash = path.join(this.root, `.${modelId}.replaced-${process.pid}-${Date.now()}`);
    await fs.rename(base, trash);
    await fs.rm(trash, { recursive: true, force: true });
  }

  private async pruneOldVersions(modelId: string): Promise<void> {
    const versions = await this.versions(modelId);
    for (const version of versions.slice(0, Math.max(0, versions.length - KEPT_VERSIONS))) {
      const folder = path.join(this.root, modelId, String(version));
      if (!(await isForeignPath(folder))) await fs.rm(folder, { recursive: true, force: true });
    }
  }
}
