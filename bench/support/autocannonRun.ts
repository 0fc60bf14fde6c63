/** The bench:load harness: a scenario (requests, connections, seconds) run by autocannon, and its row of figures. */

export interface BenchRequest {
  method?: 'GET' | 'POST';
  /** Relative to the origin; default `/graphql`. */
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Scenario {
  name: string;
  connections: number;
  durationSeconds: number;
  /** Each connection sends these in turn, round and round. */
  requests: BenchRequest[];
  /** Variables for a gateway of this scenario's own (merged over the environment). */
  gatewayEnv?: Record<string, string>;
  /** `overload`: OVERLOADED answers are expected, so the check before the run accepts them. */
  expect?: 'ok' | 'overload';
  /** Seconds autocannon waits for an answer before counting a timeout (default 10). */
  timeoutSeconds?: number;
}

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** What the 2xx answers said, read from their bodies (autocannon itself only sees status codes). */
export interface AnswerCounts {
  ok: number;
  overloaded: number;
  graphqlErrors: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon ships no types; the signature is declared here
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

const JSON_HEADERS = { 'content-type': 'application/json' };

export const graphqlRequest = (query: string, variables: Record<string, unknown> = {}): BenchRequest => ({
  method: 'POST',
  headers: JSON_HEADERS,
  body: JSON.stringify({ query, variables }),
});

/** Sends one request and throws unless it is answered without errors (OVERLOADED allowed when asked). */
export async function post(url: string, request: BenchRequest, allowOverloaded = false): Promise<any> {
  const response = await fetch(url, {
    method: request.method ?? 'POST',
    headers: request.headers,
    body: request.body === undefined ? undefined : new Uint8Array(Buffer.from(request.body)),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  const overloaded = body.errors?.every((error) => error.extensions?.code === 'OVERLOADED');
  if (response.status !== 200 || (body.errors && !(allowOverloaded && overloaded))) {
    throw new Error(`bench request failed (${response.status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body;
}

/** One scenario: every request checked once, then autocannon; the answers sorted by what their bodies say. */
export async function runScenario(origin: string, scenario: Scenario): Promise<{ result: AutocannonResult; answers: AnswerCounts }> {
  // Every request is checked once first: a benchmark of error responses measures nothing.
  for (const request of scenario.requests) await post(origin + (request.path ?? '/graphql'), request, scenario.expect === 'overload');
  const answers: AnswerCounts = { ok: 0, overloaded: 0, graphqlErrors: 0 };
  const onResponse = (status: number, body: string) => {
    if (status < 200 || status >= 300) return; // counted by autocannon as non2xx
    if (!body.includes('"errors"')) answers.ok++;
    else if (body.includes('"OVERLOADED"')) answers.overloaded++;
    else answers.graphqlErrors++;
  };
  const result = await autocannon({
    url: origin,
    connections: scenario.connections,
    duration: scenario.durationSeconds,
    timeout: scenario.timeoutSeconds ?? 10,
    requests: scenario.requests.map((r) => ({ method: r.method ?? 'POST', path: r.path ?? '/graphql', headers: r.headers, body: r.body, onResponse })),
  });
  return { result, answers };
}

export function scenarioReport(name: string, { result, answers }: { result: AutocannonResult; answers: AnswerCounts }): Record<string, string | number> {
  // Transport errors (autocannon's `errors` include its timeouts) and non-2xx never count as answers.
  const transport = result.errors - result.timeouts;
  const failed = transport + result.timeouts + result.non2xx + answers.graphqlErrors;
  const attempted = result.requests.total + transport + result.timeouts;
  const percent = (count: number) => (attempted === 0 ? 0 : Number(((100 * count) / attempted).toFixed(2)));
  return {
    scenario: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    requests: result.requests.total,
    ok: answers.ok,
    OVERLOADED: answers.overloaded,
    'overloaded %': percent(answers.overloaded),
    'other GraphQL errors': answers.graphqlErrors,
    non2xx: result.non2xx,
    'transport errors': transport,
    timeouts: result.timeouts,
    'error %': percent(failed),
  };
}
