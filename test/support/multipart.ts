export interface UploadPart {
  filename: string;
  bytes: Buffer;
  type?: string;
}

/**
 * Sends a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec):
 * `operations`, then `map`, then the files, with the CSRF preflight header Apollo requires.
 * `files` fill the list variable `variable` (default `files`) in order.
 */
export async function postMultipart(
  url: string,
  query: string,
  files: UploadPart[],
  options: { variables?: Record<string, unknown>; variable?: string; single?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const variable = options.variable ?? 'files';
  const form = new FormData();
  const placeholder = options.single ? null : files.map(() => null);
  form.append('operations', JSON.stringify({ query, variables: { ...options.variables, [variable]: placeholder } }));
  const map = Object.fromEntries(files.map((_, i) => [String(i), [options.single ? `variables.${variable}` : `variables.${variable}.${i}`]]));
  form.append('map', JSON.stringify(map));
  files.forEach((file, i) => form.append(String(i), new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.filename));
  const response = await fetch(url, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true', ...options.headers } });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
}
