import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan, type Fault } from './faultPlan';
import { BigQueryApiError, FakeWarehouse, type WriteDisposition } from './FakeWarehouse';
import { parseMultipartUpload, parseNewlineDelimitedJson } from './multipartUpload';
import type { QueryParameter } from './parameterBinding';
import { errorBody, type ResultTable, type TableFieldSchema } from './wireFormat';

/**
 * A loopback BigQuery REST v2 endpoint answering from an in-process DuckDB. It speaks the wire
 * protocol the `@google-cloud/bigquery` client uses: jobs.query and getQueryResults (with paging and
 * `jobComplete:false`), jobs.get, datasets and tables get/insert/delete, and multipart load-job uploads.
 * Tests schedule faults (`faults`), force small pages (`pageSize`) and read every request (`requests`).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

/** The body of a jobs.query request, as far as the fake reads it. */
export interface QueryRequestBody {
  query: string;
  queryParameters?: QueryParameter[];
  parameterMode?: string;
  useLegacySql?: boolean;
  maxResults?: number;
  location?: string;
  requestId?: string;
}

interface Job {
  id: string;
  project: string;
  location: string;
  resource: Record<string, unknown>;
  result?: ResultTable;
  /** getQueryResults polls that must still answer jobComplete:false. */
  pendingPolls: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  queryRoute?: boolean;
  handle: (match: string[], request: ParsedRequest) => Promise<Reply>;
}

interface ParsedRequest {
  query: Record<string, string>;
  body: Buffer;
  contentType?: string;
  json: () => unknown;
}

interface Reply {
  status: number;
  body?: unknown;
}

const V2 = '/bigquery/v2/projects/([^/]+)';

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FaultPlan();
  /** Most rows per response (query and getQueryResults); unset: all remaining rows. */
  pageSize: number | undefined;
  /** The next query jobs stay incomplete for this many getQueryResults polls (their jobs.query reply says incomplete too). */
  incompletePolls = 0;
  /** How long an incomplete poll takes, as BigQuery holds getQueryResults open while the job runs. */
  incompletePollDelayMs = 10;
  readonly location = 'US';

  private readonly jobs = new Map<string, Job>();
  /** Replies held back by `slow` faults and incomplete polls; stop() drops them. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly routes: Route[];

  private constructor(
    private readonly server: http.Server,
    readonly warehouse: FakeWarehouse,
  ) {
    this.routes = [
      { method: 'POST', pattern: new RegExp(`^${V2}/queries$`), queryRoute: true, handle: (m, r) => this.runQuery(m[1], r) },
      { method: 'GET', pattern: new RegExp(`^${V2}/queries/([^/]+)$`), queryRoute: true, handle: (m, r) => this.queryResults(m[2], r) },
      { method: 'GET', pattern: new RegExp(`^${V2}/jobs/([^/]+)$`), handle: async (m) => ({ status: 200, body: this.job(m[2]).resource }) },
      {
        method: 'POST',
        pattern: new RegExp(`^${V2}/jobs/([^/]+)/cancel$`),
        handle: async (m) => ({ status: 200, body: { kind: 'bigquery#jobCancelResponse', job: this.job(m[2]).resource } }),
      },
      { method: 'GET', pattern: new RegExp(`^${V2}/datasets/([^/]+)$`), handle: (m) => this.getDataset(m[1], m[2]) },
      { method: 'POST', pattern: new RegExp(`^${V2}/datasets$`), handle: (m, r) => this.insertDataset(m[1], r) },
      { method: 'GET', pattern: new RegExp(`^${V2}/datasets/([^/]+)/tables/([^/]+)$`), handle: (m) => this.getTable(m[1], m[2], m[3]) },
      { method: 'POST', pattern: new RegExp(`^${V2}/datasets/([^/]+)/tables$`), handle: (m, r) => this.insertTable(m[1], m[2], r) },
      { method: 'DELETE', pattern: new RegExp(`^${V2}/datasets/([^/]+)/tables/([^/]+)$`), handle: (m) => this.deleteTable(m[1], m[2], m[3]) },
      { method: 'POST', pattern: /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/, handle: (m, r) => this.uploadLoadJob(m[1], r) },
    ];
  }

  static async start(): Promise<FakeBigQuery> {
    const warehouse = await FakeWarehouse.open();
    // Idle keep-alive sockets stay open (as Google's front ends keep them), so that a client reusing one
    // never races the server closing it; that race is a real ECONNRESET but would make counts flaky.
    const server = http.createServer({ keepAliveTimeout: 60_000 });
    const fake = new FakeBigQuery(server, warehouse);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The `apiEndpoint` to give the client. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The jobs.query requests received, in order. */
  queryRequests(): QueryRequestBody[] {
    return this.requests.filter((r) => r.method === 'POST' && /\/queries$/.test(r.path)).map((r) => r.body as QueryRequestBody);
  }

  /** Schedules `fault` for the next `times` responses of jobs.query / getQueryResults. */
  inject(fault: Fault, times = 1): void {
    this.faults.add(fault, times);
  }

  /** Forgets recorded requests and pending faults (tables stay). */
  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
    this.pageSize = undefined;
    this.incompletePolls = 0;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.warehouse.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const contentType = req.headers['content-type'];
    const query = Object.fromEntries(url.searchParams);
    const isJson = contentType?.includes('application/json') && body.length > 0;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, body: isJson ? JSON.parse(body.toString('utf8')) : undefined });
    const parsed: ParsedRequest = { query, body, contentType, json: () => JSON.parse(body.toString('utf8') || '{}') };

    const route = this.routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    let reply: Reply;
    try {
      if (!route) throw new BigQueryApiError(404, 'notFound', `Not found: ${req.method} ${url.pathname}`);
      const fault = route.queryRoute ? this.faults.take() : undefined;
      if (fault?.kind === 'slow') await this.delay(fault.ms);
      if (fault?.kind === 'malformed') {
        send(res, 200, '{"kind": "bigquery#queryResponse", "jobComplete": tr');
        return;
      }
      if (fault?.kind === 'error') throw new BigQueryApiError(fault.status, fault.reason, fault.message ?? `Injected ${fault.reason}`);
      reply = await route.handle(route.pattern.exec(url.pathname)!, parsed);
    } catch (error) {
      reply =
        error instanceof BigQueryApiError
          ? { status: error.status, body: errorBody(error.status, error.reason, error.message) }
          : { status: 500, body: errorBody(500, 'internalError', error instanceof Error ? error.message : String(error)) };
    }
    send(res, reply.status, reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async runQuery(project: string, request: ParsedRequest): Promise<Reply> {
    const body = request.json() as QueryRequestBody;
    if (typeof body.query !== 'string' || body.query.trim() === '') throw new BigQueryApiError(400, 'invalid', 'Required parameter is missing: query');
    if (body.useLegacySql) throw new BigQueryApiError(400, 'invalidQuery', 'The fake speaks Standard SQL only');
    const outcome = await this.warehouse.query(body.query, body.queryParameters, body.parameterMode, project);
    const job = this.createJob(project, body.location, { query: { query: body.query, useLegacySql: false, statementType: outcome.statementType } });
    job.result = outcome.table;
    job.pendingPolls = this.incompletePolls;
    if (job.pendingPolls > 0) {
      (job.resource.status as Record<string, unknown>).state = 'RUNNING';
      return { status: 200, body: { kind: 'bigquery#queryResponse', jobReference: job.resource.jobReference, jobComplete: false } };
    }
    return { status: 200, body: { kind: 'bigquery#queryResponse', ...this.resultPage(job, 0, body.maxResults) } };
  }

  private async queryResults(jobId: string, request: ParsedRequest): Promise<Reply> {
    const job = this.job(jobId);
    if (job.pendingPolls > 0) {
      job.pendingPolls -= 1;
      await this.delay(this.incompletePollDelayMs);
      if (job.pendingPolls === 0) (job.resource.status as Record<string, unknown>).state = 'DONE';
      return { status: 200, body: { kind: 'bigquery#getQueryResultsResponse', etag: randomUUID(), jobReference: job.resource.jobReference, jobComplete: false } };
    }
    (job.resource.status as Record<string, unknown>).state = 'DONE';
    const { pageToken, startIndex, maxResults } = request.query;
    let offset = startIndex ? Number(startIndex) : 0;
    if (pageToken) {
      const [tokenJob, tokenOffset] = Buffer.from(pageToken, 'base64url').toString('utf8').split(':');
      if (tokenJob !== jobId) throw new BigQueryApiError(400, 'invalid', 'Invalid page token');
      offset = Number(tokenOffset);
    }
    return {
      status: 200,
      body: { kind: 'bigquery#getQueryResultsResponse', etag: randomUUID(), ...this.resultPage(job, offset, maxResults ? Number(maxResults) : undefined) },
    };
  }

  /** One page of a finished job's result, as both query endpoints return it. */
  private resultPage(job: Job, offset: number, maxResults: number | undefined): Record<string, unknown> {
    const page: Record<string, unknown> = { jobReference: job.resource.jobReference, jobComplete: true, totalBytesProcessed: '0', cacheHit: false };
    const result = job.result;
    if (!result) return { ...page, ddlOperationPerformed: 'REPLACE' };
    const size = Math.min(maxResults ?? Infinity, this.pageSize ?? Infinity, result.rows.length - offset);
    const rows = result.rows.slice(offset, offset + Math.max(0, size));
    const next = offset + rows.length;
    return {
      ...page,
      schema: { fields: result.fields },
      totalRows: String(result.rows.length),
      ...(rows.length > 0 ? { rows } : {}),
      ...(next < result.rows.length ? { pageToken: Buffer.from(`${job.id}:${next}`).toString('base64url') } : {}),
    };
  }

  private async getDataset(project: string, dataset: string): Promise<Reply> {
    if (!(await this.warehouse.datasetExists(project, dataset))) throw new BigQueryApiError(404, 'notFound', `Not found: Dataset ${project}:${dataset}`);
    return { status: 200, body: datasetResource(project, dataset, this.location) };
  }

  private async insertDataset(project: string, request: ParsedRequest): Promise<Reply> {
    const body = request.json() as { datasetReference?: { datasetId?: string; projectId?: string }; location?: string };
    const dataset = body.datasetReference?.datasetId;
    if (!dataset) throw new BigQueryApiError(400, 'invalid', 'Missing datasetReference.datasetId');
    await this.warehouse.createDataset(body.datasetReference?.projectId ?? project, dataset);
    return { status: 200, body: datasetResource(project, dataset, body.location ?? this.location) };
  }

  private async getTable(project: string, dataset: string, table: string): Promise<Reply> {
    const described = await this.warehouse.describeTable(project, dataset, table);
    if (!described) throw new BigQueryApiError(404, 'notFound', `Not found: Table ${project}:${dataset}.${table}`);
    return { status: 200, body: tableResource(project, dataset, table, described.fields, described.numRows) };
  }

  private async insertTable(project: string, dataset: string, request: ParsedRequest): Promise<Reply> {
    const body = request.json() as { tableReference?: { tableId?: string }; schema?: { fields?: TableFieldSchema[] } };
    const table = body.tableReference?.tableId;
    if (!table) throw new BigQueryApiError(400, 'invalid', 'Missing tableReference.tableId');
    await this.warehouse.createTable(project, dataset, table, body.schema?.fields ?? []);
    return { status: 200, body: tableResource(project, dataset, table, body.schema?.fields ?? [], 0) };
  }

  private async deleteTable(project: string, dataset: string, table: string): Promise<Reply> {
    await this.warehouse.deleteTable(project, dataset, table);
    return { status: 204 };
  }

  /** A load job: the data arrives in the request; the job is done when the reply is sent. */
  private async uploadLoadJob(project: string, request: ParsedRequest): Promise<Reply> {
    if (request.query.uploadType !== 'multipart') throw new BigQueryApiError(400, 'invalid', 'The fake accepts uploadType=multipart only');
    const { metadata, media } = parseMultipartUpload(request.contentType, request.body);
    const resource = metadata as { configuration?: { load?: LoadConfiguration }; jobReference?: { jobId?: string; location?: string } };
    const load = resource.configuration?.load;
    if (!load?.destinationTable?.tableId || !load.destinationTable.datasetId) throw new BigQueryApiError(400, 'invalid', 'Missing configuration.load.destinationTable');
    const job = this.createJob(project, resource.jobReference?.location, { load }, resource.jobReference?.jobId);
    const status = job.resource.status as Record<string, unknown>;
    try {
      if (load.sourceFormat !== 'NEWLINE_DELIMITED_JSON')
        throw new BigQueryApiError(400, 'invalid', `The fake loads NEWLINE_DELIMITED_JSON only, not ${load.sourceFormat ?? 'CSV'}`);
      const { projectId = project, datasetId, tableId } = load.destinationTable;
      const exists = await this.warehouse.describeTable(projectId, datasetId, tableId);
      if (!exists) {
        if (load.createDisposition === 'CREATE_NEVER' || !load.schema?.fields) throw new BigQueryApiError(404, 'notFound', `Not found: Table ${projectId}:${datasetId}.${tableId}`);
        await this.warehouse.createTable(projectId, datasetId, tableId, load.schema.fields);
      }
      const rows = parseNewlineDelimitedJson(media);
      const loaded = await this.warehouse.loadRows(projectId, datasetId, tableId, rows, load.writeDisposition ?? 'WRITE_APPEND');
      job.resource.statistics = { ...(job.resource.statistics as object), load: { outputRows: String(loaded), inputFiles: '1', inputFileBytes: String(media.length) } };
    } catch (error) {
      const reason = error instanceof BigQueryApiError ? error.reason : 'invalid';
      const message = error instanceof Error ? error.message : String(error);
      status.errorResult = { reason, message };
      status.errors = [{ reason, message }];
    }
    status.state = 'DONE';
    return { status: 200, body: job.resource };
  }

  private createJob(project: string, location: string | undefined, configuration: Record<string, unknown>, jobId = `job_${randomUUID().replace(/-/g, '')}`): Job {
    const now = String(Date.now());
    const jobLocation = location ?? this.location;
    const job: Job = {
      id: jobId,
      project,
      location: jobLocation,
      pendingPolls: 0,
      resource: {
        kind: 'bigquery#job',
        id: `${project}:${jobLocation}.${jobId}`,
        jobReference: { projectId: project, jobId, location: jobLocation },
        configuration,
        status: { state: 'DONE' },
        statistics: { creationTime: now, startTime: now, endTime: now },
      },
    };
    this.jobs.set(jobId, job);
    return job;
  }

  private job(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new BigQueryApiError(404, 'notFound', `Not found: Job ${jobId}`);
    return job;
  }
}

interface LoadConfiguration {
  destinationTable?: { projectId?: string; datasetId?: string; tableId?: string };
  sourceFormat?: string;
  schema?: { fields?: TableFieldSchema[] };
  writeDisposition?: WriteDisposition;
  createDisposition?: 'CREATE_IF_NEEDED' | 'CREATE_NEVER';
}

function datasetResource(project: string, dataset: string, location: string) {
  return { kind: 'bigquery#dataset', id: `${project}:${dataset}`, datasetReference: { projectId: project, datasetId: dataset }, location };
}

function tableResource(project: string, dataset: string, table: string, fields: TableFieldSchema[], numRows: number) {
  return {
    kind: 'bigquery#table',
    id: `${project}:${dataset}.${table}`,
    tableReference: { projectId: project, datasetId: dataset, tableId: table },
    schema: { fields },
    numRows: String(numRows),
    type: 'TABLE',
  };
}

function send(res: http.ServerResponse, status: number, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
