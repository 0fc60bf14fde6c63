import type { GatewayMarker } from '../gatewayMarker';

/** One servable version of a model in the repository. */
export interface RepositoryModel {
  id: string;
  /** The integer version sub-folder (`<id>/<version>/`), or null for a model folder without versions (`<id>/model.json`). */
  version: number | null;
}

/** What is stored under a model id, for ownership checks: nothing, or something with or without the gateway marker. */
export interface StoredModel {
  /** The newest version's marker; undefined when something is there that the gateway did not write. */
  marker?: GatewayMarker;
}

/**
 * The model repository every replica serves from, in the layout TF Serving and Triton use:
 * `<repository>/<modelId>/<version>/` with integer versions, the newest one served. A version becomes
 * visible only once complete (a folder renamed into place; on Cloud Storage, its marker written last),
 * so a replica never loads half a model.
 */
export interface ModelRepository {
  /** `file:///…` folder or `gs://bucket/prefix`, for logs and messages. */
  readonly location: string;
  /** The newest complete version of every model, by id. */
  scan(): Promise<RepositoryModel[]>;
  /** A local folder holding the version's files, ready to load (a Cloud Storage version is downloaded once). */
  localFolder(model: RepositoryModel): Promise<string>;
  /** Publishes a complete local model folder (with its gateway marker) as the next version of `modelId`. */
  publish(modelId: string, folder: string): Promise<RepositoryModel>;
  /** What is stored under `modelId`, or undefined when nothing is. */
  find(modelId: string): Promise<StoredModel | undefined>;
  /** Removes every version of a model the gateway wrote; false when none was there. */
  remove(modelId: string): Promise<boolean>;
  /** Where a training job writes its model folder before it is published (a local folder). */
  stagingFolder(jobId: string): string;
}

/** Versions kept per model: the newest and the one before, which replicas may still be serving until their next poll. */
export const KEPT_VERSIONS = 2;

export const VERSION_NAME = /^[1-9][0-9]{0,15}$/;
