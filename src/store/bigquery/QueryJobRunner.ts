import { randomUUID } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import type { QueryParameter } from '@google-cloud/bigquery';
import { fromClientError, MalformedResponseError } from './bigQueryErrors';
import { DeadlineReached, type Deadline } from './retryWithinDeadline';

export type ResultRow = Record<string, unknown>;

/** How long BigQuery may hold one jobs.query / getQueryResults call open waiting for the job. */
const MAX_SERVER_WAIT_MS = 10_000;

interface TableSchema {
  fields: Array<{ name: string; type: string; mode?: string }>;
}

interface ResultPage {
  jobComplete: boolean;
  jobReference?: { jobId: string; location?: string };
  schema?: TableSchema;
  rows: Array<{ f: Array<{ v: unknown }> }>;
  totalRows?: number;
  pageToken?: string;
}

/**
 * Runs one query job over the BigQuery REST protocol through the real client's authenticated
 * `request()`: jobs.query, then getQueryResults while `jobComplete` is false and while a
 * `pageToken` says more rows follow. Every reply is checked before it is trusted.
 *
 * Why not `client.query()`: on a 200 reply that is not JSON it throws inside a callback (an unhandled
 * rejection, the query never settles), and a page without rows or token ends paging silently, which
 * would serve a partial result as complete. Here both are typed errors, and the row count is checked
 * against `totalRows`.
 */
export class QueryJobRunner {
  constructor(
    private readonly client: BigQuery,
    private readonly location?: string,
  ) {}

  async run(sql: string, queryParameters: QueryParameter[], deadline: Deadline): Promise<ResultRow[]> {
    let page = await this.send<unknown>(deadline, {
      method: 'POST',
      uri: '/queries',
      json: {
        query: sql,
        useLegacySql: false,
        parameterMode: 'NAMED',
        queryParameters,
        location: this.location,
        requestId: randomUUID(),
        timeoutMs: serverWait(deadline),
        formatOptions: { useInt64Timestamp: true },
      },
    }).then(readPage);
    const job = page.jobReference;
    try {
      while (!page.jobComplete) {
        page = await this.fetchResults(job, deadline);
      }
      const rows = decodeRows(page);
      const seenTokens = new Set<string>();
      while (page.pageToken) {
        if (seenTokens.has(page.pageToken)) throw new MalformedResponseError('BigQuery repeated a page token');
        seenTokens.add(page.pageToken);
        page = await this.fetchResults(job, deadline, page.pageToken);
        rows.push(...decodeRows(page));
      }
      if (page.totalRows !== undefined && rows.length !== page.totalRows) {
        throw new MalformedResponseError(`BigQuery announced ${page.totalRows} rows but sent ${rows.length}`);
      }
      return rows;
    } catch (error) {
      if (error instanceof DeadlineReached && job) this.cancel(job);
      throw error;
    }
  }

  private async fetchResults(job: ResultPage['jobReference'], deadline: Deadline, pageToken?: string): Promise<ResultPage> {
    if (!job) throw new MalformedResponseError('BigQuery did not say which job to poll (no jobReference)');
    const page = readPage(
      await this.send<unknown>(deadline, {
        uri: `/queries/${encodeURIComponent(job.jobId)}`,
        qs: {
          location: job.location ?? this.location,
          timeoutMs: serverWait(deadline),
          'formatOptions.useInt64Timestamp': true,
          ...(pageToken ? { pageToken } : {}),
        },
      }),
    );
    if (pageToken && !page.jobComplete) throw new MalformedResponseError('BigQuery reported a finished job as running');
    return page;
  }

  /** Best effort: a job abandoned at the deadline should not keep running (and billing). */
  private cancel(job: NonNullable<ResultPage['jobReference']>): void {
    this.client.request({ method: 'POST', uri: `/jobs/${encodeURIComponent(job.jobId)}/cancel`, qs: { location: job.location ?? this.location } }, () => undefined);
  }

  private send<T>(deadline: Deadline, request: { method?: string; uri: string; json?: unknown; qs?: Record<string, unknown> }): Promise<T> {
    if (deadline.expired) return Promise.reject(new DeadlineReached());
    const reply = new Promise<T>((resolve, reject) => {
      this.client.request(request, (error, body) => (error ? reject(fromClientError(error)) : resolve(body as T)));
    });
    return deadline.race(reply);
  }
}

const serverWait = (deadline: Deadline) => Math.max(1, Math.min(MAX_SERVER_WAIT_MS, deadline.remaining()));

/** Checks the shape of a jobs.query / getQueryResults reply. */
function readPage(body: unknown): ResultPage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MalformedResponseError(`BigQuery sent a reply that is not a JSON object: ${preview(body)}`);
  }
  const page = body as Record<string, unknown>;
  if (typeof page.jobComplete !== 'boolean') throw new MalformedResponseError('BigQuery reply without jobComplete');
  const ref = page.jobReference as { jobId?: unknown; location?: unknown } | undefined;
  const jobReference = ref && typeof ref.jobId === 'string' ? { jobId: ref.jobId, location: typeof ref.location === 'string' ? ref.location : undefined } : undefined;
  if (!page.jobComplete) return { jobComplete: false, jobReference, rows: [] };

  const rows = page.rows ?? [];
  if (!Array.isArray(rows)) throw new MalformedResponseError('BigQuery reply with rows that are not a list');
  const schema = page.schema as TableSchema | undefined;
  if (rows.length > 0 && !Array.isArray(schema?.fields)) throw new MalformedResponseError('BigQuery reply with rows but no schema');
  const totalRows = page.totalRows === undefined ? undefined : Number(page.totalRows);
  if (totalRows !== undefined && !Number.isInteger(totalRows)) throw new MalformedResponseError('BigQuery reply with a non-numeric totalRows');
  if (page.pageToken !== undefined && typeof page.pageToken !== 'string') throw new MalformedResponseError('BigQuery reply with a non-string pageToken');
  return { jobComplete: true, jobReference, schema, rows: rows as ResultPage['rows'], totalRows, pageToken: page.pageToken || undefined };
}

/** `{f:[{v}]}` rows to objects keyed by column, with the client's own value conversion. */
function decodeRows(page: ResultPage): ResultRow[] {
  if (page.rows.length === 0) return [];
  const width = page.schema!.fields.length;
  for (const row of page.rows) {
    if (!Array.isArray(row?.f) || row.f.length !== width) throw new MalformedResponseError(`BigQuery sent a row that does not match its ${width}-column schema`);
  }
  try {
    return BigQuery.mergeSchemaWithRows_(page.schema, page.rows, { wrapIntegers: false, parseJSON: false }) as ResultRow[];
  } catch (error) {
    throw new MalformedResponseError(`BigQuery sent values that do not match their types: ${(error as Error)?.message ?? String(error)}`);
  }
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : String(body);
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
