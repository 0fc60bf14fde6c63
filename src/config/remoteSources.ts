/**
 * Which remote training sources TRAINING_REMOTE_SOURCES allows: https hosts, plain-http hosts (only
 * when written with `http://`) and Cloud Storage buckets. Plain data, so it crosses into the training
 * worker with its options.
 */
export interface RemoteSourcePolicy {
  /** `host` or `host:port`, lower case; the port only when not 443. */
  https: string[];
  /** The same for plain http (port only when not 80). */
  http: string[];
  buckets: string[];
}

export const NO_REMOTE_SOURCES: RemoteSourcePolicy = { https: [], http: [], buckets: [] };

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * `images.example.com, https://cdn.example.com:8443, http://legacy.example.com, gs://my-bucket`.
 * Exact hosts only: no wildcards, paths or credentials. Throws an Error naming the bad entry.
 */
export function parseRemoteSources(text: string | undefined): RemoteSourcePolicy {
  const policy: RemoteSourcePolicy = { https: [], http: [], buckets: [] };
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const bucket = /^gs:\/\/([^/]+)\/?$/i.exec(entry);
    if (bucket) {
      if (!BUCKET.test(bucket[1])) throw new Error(`"${entry}" is not a bucket (gs://bucket-name)`);
      policy.buckets.push(bucket[1]);
      continue;
    }
    const scheme = /^(https?):\/\//i.exec(entry)?.[1]?.toLowerCase() ?? 'https';
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `https://${entry}`;
    let url: URL | undefined;
    try {
      url = new URL(withScheme);
    } catch {
      url = undefined;
    }
    const plain = url && (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
    if (!url || !plain || url.hostname.includes('*')) {
      throw new Error(`"${entry}" is not a host (images.example.com, https://host:port, http://host or gs://bucket)`);
    }
    (scheme === 'http' ? policy.http : policy.https).push(url.host);
  }
  return policy;
}
