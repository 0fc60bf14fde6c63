import type { RemoteSourcePolicy } from '../../config/remoteSources';

// The policy and its parser belong to the configuration (TRAINING_REMOTE_SOURCES); training applies it.
export { NO_REMOTE_SOURCES, parseRemoteSources, type RemoteSourcePolicy } from '../../config/remoteSources';

/** Whether a gs:// or http(s):// source is allowed (the addresses it resolves to are checked when fetched). */
export function isRemoteSourceAllowed(policy: RemoteSourcePolicy | undefined, source: string): boolean {
  if (!policy) return false;
  const bucket = /^gs:\/\/([^/]+)\//i.exec(source);
  if (bucket) return policy.buckets.includes(bucket[1]);
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return policy.https.includes(url.host);
  if (url.protocol === 'http:') return policy.http.includes(url.host);
  return false;
}

export function describeRemoteSources(policy: RemoteSourcePolicy): string {
  return [...policy.https, ...policy.http.map((host) => `http://${host}`), ...policy.buckets.map((bucket) => `gs://${bucket}`)].join(', ') || '(none)';
}
