import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { logger } from '../../logger';
import { MODEL_ID_PATTERN } from '../discoverModels';
import { GATEWAY_MARKER_FILE, parseGatewayMarker } from '../gatewayMarker';
import { ForeignModelError } from './foreignModel';
import { gcsStatus, listAll } from './gcsBucket';
import { KEPT_VERSIONS, VERSION_NAME, type ModelRepository, type RepositoryModel, type StoredModel } from './ModelRepository';

const log = logger.child({ component: 'model-repository' });

/** Written first, with `ifGenerationMatch=0`: whoever creates it owns the version number. */
const CLAIM = '.claim';
/** Written last: a version without it is being uploaded (or was abandoned) and is never served. */
const COMPLETE = '.complete';
const RESUMABLE_ABOVE_BYTES = 8 * 1024 * 1024;

interface Manifest {
  files: Array<{ name: string; size: number }>;
}

/**
 * A model repository under `gs://bucket/prefix`, in TF Serving's layout: `<prefix>/<id>/<n>/<files>`.
 * Publishing claims `<id>/<n>/.claim` with `ifGenerationMatch=0` (two writers never take one n), uploads
 * the files, and writes `<id>/<n>/.complete` (the manifest) last: only versions with it exist for `scan`.
 * A version is loaded from a local copy under `cacheDir/<id>/<n>/`, downloaded once. Removing deletes
 * every `.complete` first, so other replicas drop the model at their next poll even while the rest goes.
 */
export class GcsRepository implements ModelRepository {
  constructor(
    private readonly bucket: Bucket,
    private readonly prefix: string,
    private readonly cacheDir: string,
    private readonly pageSize = 1000,
  ) {}

  get location(): string {
    return `gs://${this.bucket.name}/${this.prefix}`;
  }

  async scan(): Promise<RepositoryModel[]> {
    const { prefixes } = await listAll(this.bucket, this.prefix, { delimiter: '/', pageSize: this.pageSize });
    const ids = prefixes.map((prefix) => prefix.slice(this.prefix.length, -1)).filter((id) => MODEL_ID_PATTERN.test(id));
    const newest = await Promise.all(ids.map(async (id) => ({ id, version: (await this.versions(id)).complete.at(-1) })));
    return newest.flatMap(({ id, version }) => (version === undefined ? [] : [{ id, version }])).sort((a, b) => a.id.localeCompare(b.id));
  }

  async localFolder(model: RepositoryModel): Promise<string> {
    if (model.version === null) throw new Error(`${this.location}: every model in a Cloud Storage repository has versions`);
    const folder = path.join(this.cacheDir, model.id, String(model.version));
    if (await exists(folder)) return folder;
    const base = this.versionPrefix(model.id, model.version);
    const manifest = JSON.parse((await this.bucket.file(`${base}${COMPLETE}`).download())[0].toString('utf8')) as Manifest;
    // Downloaded beside the folder and renamed into it: a copy cut short is never taken for a complete one.
    const partial = path.join(this.cacheDir, model.id, `.${model.version}.download-${randomUUID()}`);
    try {
      for (const file of manifest.files) {
        const destination = path.join(partial, ...file.name.split('/'));
        await fs.mkdir(path.dirname(destination), { recursive: true });
        await this.bucket.file(`${base}${file.name}`).download({ destination });
      }
      await moveInto(partial, folder);
    } finally {
      await fs.rm(partial, { recursive: true, force: true });
    }
    await this.pruneCache(model.id, model.version);
    return folder;
  }

  async publish(modelId: string, folder: string): Promise<RepositoryModel> {
    const files = await filesUnder(folder);
    for (let attempt = 0; attempt < 20; attempt++) {
      const version = ((await this.versions(modelId)).claimed.at(-1) ?? 0) + 1;
      const base = this.versionPrefix(modelId, version);
      try {
        await this.bucket.file(`${base}${CLAIM}`).save(`${os.hostname()}:${process.pid}\n`, { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
      } catch (error) {
        if (gcsStatus(error) === 412) continue; // another publisher took this number
        throw error;
      }
      for (const file of files) {
        await this.bucket.upload(path.join(folder, file.name), {
          destination: `${base}${file.name}`,
          resumable: file.size > RESUMABLE_ABOVE_BYTES,
          preconditionOpts: { ifGenerationMatch: 0 },
        });
      }
      const manifest: Manifest = { files };
      await this.bucket.file(`${base}${COMPLETE}`).save(JSON.stringify(manifest), {
        resumable: false,
        contentType: 'application/json',
        preconditionOpts: { ifGenerationMatch: 0 },
      });
      await moveInto(folder, path.join(this.cacheDir, modelId, String(version))).catch(() => fs.rm(folder, { recursive: true, force: true }));
      await this.pruneCache(modelId, version);
      await this.pruneOldVersions(modelId);
      log.info({ model: modelId, version, repository: this.location }, 'model version published');
      return { id: modelId, version };
    }
    throw new Error(`could not publish a new version of ${modelId}: the version numbers kept being taken`);
  }

  async find(modelId: string): Promise<StoredModel | undefined> {
    const { names, complete, claimed } = await this.versions(modelId);
    if (names.length === 0) return undefined;
    const newest = complete.at(-1);
    if (newest !== undefined) return { marker: await this.marker(modelId, newest) };
    // Only versions a publisher claimed and never completed: nothing is stored yet.
    const inClaimed = (name: string) => claimed.some((version) => name.startsWith(this.versionPrefix(modelId, version)));
    return names.every(inClaimed) ? undefined : {};
  }

  async remove(modelId: string): Promise<boolean> {
    const { names, complete, claimed } = await this.versions(modelId);
    if (names.length === 0) return false;
    const outside = names.filter((name) => !claimed.some((version) => name.startsWith(this.versionPrefix(modelId, version))));
    if (outside.length > 0) throw new ForeignModelError(`${this.location}${modelId}/ holds objects the gateway did not write: it is left as it is`);
    for (const version of complete) {
      if (!(await this.marker(modelId, version))) throw new ForeignModelError(`${this.location}${modelId}/${version}/ was not written by the gateway: it is left as it is`);
    }
    // The markers first: from then on no replica lists the model, whatever is left to delete.
    await Promise.all(complete.map((version) => this.deleteObject(`${this.versionPrefix(modelId, version)}${COMPLETE}`)));
    await Promise.all(names.filter((name) => !name.endsWith(`/${COMPLETE}`)).map((name) => this.deleteObject(name)));
    await fs.rm(path.join(this.cacheDir, modelId), { recursive: true, force: true });
    log.info({ model: modelId, repository: this.location }, 'model removed from the repository');
    return true;
  }

  stagingFolder(jobId: string): string {
    return path.join(this.cacheDir, '.staging', jobId);
  }

  /** The model's object names, its complete versions and every claimed version number, oldest first. */
  async versions(modelId: string): Promise<{ names: string[]; complete: number[]; claimed: number[] }> {
    const { names } = await listAll(this.bucket, `${this.prefix}${modelId}/`, { pageSize: this.pageSize });
    const complete: number[] = [];
    const claimed: number[] = [];
    for (const name of names) {
      const [version, file, ...rest] = name.slice(this.prefix.length + modelId.length + 1).split('/');
      if (rest.length > 0 || !VERSION_NAME.test(version)) continue;
      if (file === COMPLETE) complete.push(Number(version));
      if (file === CLAIM) claimed.push(Number(version));
    }
    const ascending = (a: number, b: number) => a - b;
    return { names, complete: complete.sort(ascending), claimed: claimed.sort(ascending) };
  }

  private versionPrefix(modelId: string, version: number): string {
    return `${this.prefix}${modelId}/${version}/`;
  }

  private async marker(modelId: string, version: number) {
    try {
      const [bytes] = await this.bucket.file(`${this.versionPrefix(modelId, version)}${GATEWAY_MARKER_FILE}`).download();
      return parseGatewayMarker(bytes.toString('utf8'));
    } catch (error) {
      if (gcsStatus(error) === 404) return undefined;
      throw error;
    }
  }

  private async deleteObject(name: string): Promise<void> {
    await this.bucket
      .file(name)
      .delete()
      .catch((error: unknown) => {
        if (gcsStatus(error) !== 404) throw error;
      });
  }

  /** Local copies older than the version before `version`: no replica serves them any more (the one before may still be). */
  private async pruneCache(modelId: string, version: number): Promise<void> {
    const dir = path.join(this.cacheDir, modelId);
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (VERSION_NAME.test(name) && Number(name) <= version - KEPT_VERSIONS) await fs.rm(path.join(dir, name), { recursive: true, force: true });
    }
  }

  private async pruneOldVersions(modelId: string): Promise<void> {
    const { names, complete } = await this.versions(modelId);
    for (const version of complete.slice(0, Math.max(0, complete.length - KEPT_VERSIONS))) {
      const base = this.versionPrefix(modelId, version);
      await this.deleteObject(`${base}${COMPLETE}`);
      await Promise.all(names.filter((name) => name.startsWith(base) && !name.endsWith(`/${COMPLETE}`)).map((name) => this.deleteObject(name)));
    }
  }
}

/** The files of a local folder (relative, `/`-separated), with their sizes. */
async function filesUnder(root: string, sub = ''): Promise<Array<{ name: string; size: number }>> {
  const files: Array<{ name: string; size: number }> = [];
  for (const entry of await fs.readdir(path.join(root, sub), { withFileTypes: true })) {
    const name = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await filesUnder(root, name)));
    else if (entry.isFile()) files.push({ name, size: (await fs.stat(path.join(root, name))).size });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

async function exists(folder: string): Promise<boolean> {
  return (await fs.stat(folder).catch(() => undefined))?.isDirectory() ?? false;
}

/** Renames `from` to `to`; when another download got there first, theirs is kept. */
async function moveInto(from: string, to: string): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  try {
    await fs.rename(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await exists(to))) throw error;
  }
}
