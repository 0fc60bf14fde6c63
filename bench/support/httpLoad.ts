import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A closed-loop HTTP load generator: `concurrency` lanes on keep-alive connections, each sending the
 * same request again as soon as the previous answer is in, until the time or the count runs out.
 * Unlike autocannon it reads every body, so GraphQL errors (HTTP 200 with `errors`) are counted by
 * code, and it keeps every latency for exact percentiles.
 */
export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadOptions {
  concurrency: number;
  seconds: number;
  /** Upper bound on requests sent, whatever the time. */
  maxRequests: number;
  timeoutMs: number;
  /** Called for each answer with data; a thrown error counts the request as `invalid`. */
  check?(body: any): void;
}

export interface LoadResult {
  concurrency: number;
  seconds: number;
  ok: number;
  /** GraphQL errors by extensions.code (OVERLOADED, MODEL_UNAVAILABLE, …). */
  graphqlErrors: Record<string, number>;
  /** Answers that were not 200, or not JSON. */
  httpErrors: number;
  /** Connection failures. */
  transportErrors: number;
  timeouts: number;
  invalid: number;
  /** Latency of every answered request (ok or GraphQL error), and of the ok ones alone, in ms. */
  latencies: number[];
  okLatencies: number[];
  errorLatencies: number[];
  firstProblem?: string;
}

/** A GraphQL multipart upload of one file, or of several (filling the list variable `files` in order). */
export function multipartRequest(
  url: string,
  query: string,
  file: { name: string; bytes: Buffer; type: string } | Array<{ name: string; bytes: Buffer; type: string }>,
  variables: Record<string, unknown> = {},
): LoadRequest {
  const files = Array.isArray(file) ? file : [file];
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const part = (name: string, value: string, extra = '') => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`);
  const body = Buffer.concat([
    part('operations', JSON.stringify({ query, variables: { ...variables, files: files.map(() => null) } })),
    part('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [i, [`variables.files.${i}`]])))),
    ...files.flatMap((f, i) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${i}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`),
      f.bytes,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return {
    url,
    body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length), 'apollo-require-preflight': 'true' },
  };
}

/** `requests` may be several (e.g. different photos): the lanes take them in turn. */
export async function runLoad(requests: LoadRequest | LoadRequest[], options: LoadOptions): Promise<LoadResult> {
  const list = Array.isArray(requests) ? requests : [requests];
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(list[0].url);
  const result: LoadResult = {
    concurrency: options.concurrency,
    seconds: 0,
    ok: 0,
    graphqlErrors: {},
    httpErrors: 0,
    transportErrors: 0,
    timeouts: 0,
    invalid: 0,
    latencies: [],
    okLatencies: [],
    errorLatencies: [],
  };
  const problem = (text: string) => (result.firstProblem ??= text.slice(0, 400));
  let sent = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  const once = (request: LoadRequest) =>
    new Promise<void>((settle) => {
      let settled = false;
      const resolve = () => {
        settled = true;
        settle();
      };
      const t0 = performance.now();
      const req = http.request(
        { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: request.headers, timeout: options.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (settled) return;
            const ms = performance.now() - t0;
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            if (res.statusCode !== 200 || body === undefined) {
              result.httpErrors++;
              problem(`HTTP ${res.statusCode}: ${text}`);
            } else if (body.errors?.length) {
              const code = String(body.errors[0]?.extensions?.code ?? 'UNKNOWN');
              result.graphqlErrors[code] = (result.graphqlErrors[code] ?? 0) + 1;
              result.latencies.push(ms);
              result.errorLatencies.push(ms);
              if (code !== 'OVERLOADED') problem(`GraphQL error: ${text}`);
            } else {
              try {
                options.check?.(body);
                result.ok++;
                result.latencies.push(ms);
                result.okLatencies.push(ms);
              } catch (error) {
                result.invalid++;
                problem(`invalid answer (${(error as Error).message}): ${text}`);
              }
            }
            resolve();
          });
          res.on('error', (error) => {
            if (settled) return;
            if (error.message === 'timeout') return; // counted by the 'timeout' handler
            result.transportErrors++;
            problem(`response error: ${error.message}`);
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        result.timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', (error) => {
        if (settled) return;
        if (error.message !== 'timeout') {
          result.transportErrors++;
          problem(`request error: ${error.message}`);
        }
        resolve();
      });
      req.end(request.body);
    });

  const lane = async () => {
    while (sent < options.maxRequests && performance.now() < deadline) {
      await once(list[sent++ % list.length]);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  result.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return result;
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
