import { createClient, type ExecutionResult } from 'graphql-sse';

/**
 * Runs one subscription with graphql-sse's own client (distinct connections mode, Node's fetch)
 * against a live gateway, and returns every result it streamed until the server completed it.
 * No retries: a refused stream fails the call instead of being tried again.
 */
export async function subscribeToEnd<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Array<ExecutionResult<T, unknown>>> {
  const client = createClient({ url, retryAttempts: 0, headers });
  const results: Array<ExecutionResult<T, unknown>> = [];
  try {
    for await (const result of client.iterate<T>({ query, variables })) results.push(result);
  } finally {
    client.dispose();
  }
  return results;
}

/** Opens a stream with plain fetch (to read statuses and headers the client hides); `first` resolves with the first `next` event's data. */
export async function openStream(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  const events: Array<{ event: string; data: string }> = [];
  let text = '';
  const reading = (async () => {
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        const messages = text.split('\n\n');
        text = messages.pop()!;
        for (const message of messages) {
          const event = /^event: (.*)$/m.exec(message)?.[1];
          if (event) events.push({ event, data: /^data: (.*)$/m.exec(message)?.[1] ?? '' });
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    response,
    events,
    /** Resolves once the server has ended the stream (or the test aborted it). */
    ended: reading,
    close: () => abort.abort(),
  };
}
