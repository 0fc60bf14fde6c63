import { boolean, ConfigError, text, type Env } from '../parsers';
import { computed, optionalVariable, variable } from '../spec';

/** A positive number of seconds, decimals allowed (tests poll every fraction of a second). */
function seconds(env: Env, name: string, fallback: number, min: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new ConfigError(`${name} must be a number of seconds, at least ${min}; got "${raw}"`);
  return value;
}

/** A folder, or `gs://bucket[/prefix]` (Cloud Storage); any other URL is refused. */
function repositoryLocation(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (/^gs:\/\//i.test(raw)) {
    if (!/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/.test(raw)) throw new ConfigError(`${name}: "${raw}" is not gs://bucket or gs://bucket/prefix`);
    return raw;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new ConfigError(`${name} must be a folder or gs://bucket/prefix; "${raw}" is another URL: mount it and give the mounted folder`);
  }
  return raw;
}

/** An http(s) base URL. */
function endpoint(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(raw)) throw new ConfigError(`${name} must be an http(s) base URL such as http://127.0.0.1:4443; got "${raw}"`);
  return raw?.replace(/\/$/, '');
}

/** Many identical replicas behind one address: the model repository they share, and who runs training. */
export const REPLICAS = {
  modelRepository: variable<string | undefined>(
    'MODEL_REPOSITORY',
    computed('(unset: `MODELS_DIR`)', () => undefined),
    'Model repository every replica serves from and training publishes to: a folder shared by the replicas (NFS, Filestore, a FUSE mount), or `gs://bucket/prefix` (Cloud Storage, Application Default Credentials). Models are `<id>/<version>/` sub-folders; training jobs are records in `.jobs/`. See "Running many replicas".',
    (env, name) => repositoryLocation(env, name),
  ),
  gcsApiEndpoint: optionalVariable(
    'MODEL_REPOSITORY_GCS_ENDPOINT',
    'Google',
    'Cloud Storage JSON API base URL for a `gs://` MODEL_REPOSITORY (an emulator, tests): the Google endpoint when unset.',
    (env, name) => endpoint(env, name),
  ),
  pollSeconds: variable(
    'MODEL_REPOSITORY_POLL_S',
    10,
    'How often each replica reads the model repository for new, replaced and deleted models (seconds, decimals allowed).',
    (env, name, fallback) => seconds(env, name, fallback, 0.05),
  ),
  trainingWorker: variable(
    'TRAINING_WORKER',
    true,
    '`false`: this replica queues training jobs in the repository but never runs one (serving replicas); `npm run worker` or another replica takes them.',
    (env, name, fallback) => boolean(env, name) ?? fallback,
  ),
  heartbeatSeconds: variable(
    'TRAINING_JOB_HEARTBEAT_S',
    5,
    'How often the replica running a training job writes its heartbeat into the job record (seconds).',
    (env, name, fallback) => seconds(env, name, fallback, 0.05),
  ),
  leaseSeconds: variable(
    'TRAINING_JOB_LEASE_S',
    60,
    'A job whose runner has not written a heartbeat for this long is FAILED with `errorCode` `TRAINING_INTERRUPTED` (its replica stopped); at least twice the heartbeat.',
    (env, name, fallback) => seconds(env, name, fallback, 0.1),
  ),
};
