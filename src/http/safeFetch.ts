import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { collectBounded } from './collectBounded';
import { isPublicAddress } from './publicAddress';

export type Resolve = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface SafeFetchOptions {
  /** One deadline for the whole fetch: every connection, redirect, the headers and the last body byte. */
  timeoutMs: number;
  /** Largest body, enforced while it streams. */
  maxBytes: number;
  /** Redirects followed (each target checked like the first URL); default 3. */
  maxRedirects?: number;
  /** The first URL and every redirect target must pass (e.g. an allow-list of hosts). */
  allowUrl?: (url: URL) => boolean;
  /** Which resolved addresses may be connected to; default: public internet addresses only. */
  allowAddress?: (address: string) => boolean;
  /** Host name resolution; default dns.lookup (tests inject their own). */
  resolve?: Resolve;
}

export type SafeFetchFailure = 'refused' | 'timeout' | 'too-large' | 'status' | 'network' | 'redirects';

export class SafeFetchError extends Error {
  override name = 'SafeFetchError';
  constructor(
    message: string,
    readonly reason: SafeFetchFailure,
    readonly details: { status?: number; statusText?: string; code?: string } = {},
  ) {
    super(message);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const defaultResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * GET a URL on someone else's behalf without letting them aim it at us: http(s) only, every host
 * resolved and checked before connecting (and connected to at the address that was checked, through
 * the socket's own lookup), redirects followed by hand and checked the same way, one deadline for
 * everything and a size cap while the body streams. Resolves with the body of a 2xx answer.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<Buffer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let current = new URL(url);
    for (let redirects = 0; ; redirects++) {
      const answer = await requestOnce(current, options, controller.signal);
      if (answer.kind === 'body') return answer.body;
      if (redirects >= (options.maxRedirects ?? 3)) throw new SafeFetchError(`${current.host}: too many redirects`, 'redirects');
      current = new URL(answer.location, current);
    }
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof SafeFetchError && error.reason !== 'network')) {
      throw new SafeFetchError(`${new URL(url).host}: no complete answer within ${options.timeoutMs} ms`, 'timeout');
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

type Answer = { kind: 'body'; body: Buffer } | { kind: 'redirect'; location: string };

function checkUrl(url: URL, options: SafeFetchOptions): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SafeFetchError(`${url.protocol} URLs are not fetched`, 'refused');
  if (options.allowUrl && !options.allowUrl(url)) throw new SafeFetchError(`${url.host} is not an allowed source`, 'refused');
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  // The socket skips its lookup for an IP literal: such a host is checked here instead.
  if (net.isIP(literal) && !(options.allowAddress ?? isPublicAddress)(literal)) {
    throw new SafeFetchError(`${url.host} is not a public address`, 'refused');
  }
}

function checkedLookup(options: SafeFetchOptions): net.LookupFunction {
  const allowed = options.allowAddress ?? isPublicAddress;
  const resolve = options.resolve ?? defaultResolve;
  return ((hostname: string, lookupOptions: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(new SafeFetchError(`${hostname} does not resolve`, 'network'));
        // One non-public answer refuses the host: a name that mixes them is not one to trust.
        if (addresses.some((entry) => !allowed(entry.address))) return callback(new SafeFetchError(`${hostname} resolves to a non-public address`, 'refused'));
        if (lookupOptions.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: unknown) => callback(error),
    );
  }) as net.LookupFunction;
}

function requestOnce(url: URL, options: SafeFetchOptions, signal: AbortSignal): Promise<Answer> {
  checkUrl(url, options);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const request = client.request(url, { method: 'GET', agent: false, lookup: checkedLookup(options), signal, headers: { accept: '*/*' } }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location) {
        resolve({ kind: 'redirect', location });
        return response.destroy();
      }
      if (status < 200 || status >= 300) {
        reject(new SafeFetchError(`${url.host}: HTTP ${status}`, 'status', { status, statusText: response.statusMessage }));
        return response.destroy();
      }
      const declared = Number(response.headers['content-length']);
      if (declared > options.maxBytes) {
        reject(new SafeFetchError(`${url.host}: larger than ${options.maxBytes} bytes`, 'too-large'));
        return response.destroy();
      }
      // An answer cut short ('aborted') fails as the network did.
      response.on('aborted', () => response.destroy(new SafeFetchError(`${url.host}: the answer ended early`, 'network')));
      collectBounded(response, {
        maxBytes: options.maxBytes,
        tooLarge: () => new SafeFetchError(`${url.host}: larger than ${options.maxBytes} bytes`, 'too-large'),
        failure: (error) => asFetchError(url, error),
      }).then((body) => resolve({ kind: 'body', body }), reject);
    });
    request.on('error', (error) => reject(asFetchError(url, error)));
    request.end();
  });
}

function asFetchError(url: URL, error: Error): SafeFetchError {
  if (error instanceof SafeFetchError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new SafeFetchError(`${url.host}: ${code ?? error.message}`, 'network', { code });
}
