import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { BigQuery } from '@google-cloud/bigquery';

export interface LoadTarget {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/**
 * Appends a newline-delimited JSON file to a table with a load job (jobs.insert, media upload with
 * `uploadType=multipart`), then waits for the job through the client's Job polling.
 *
 * This is what `table.load(file)` sends; it is spelled out because the client's own upload throws
 * (inside a callback, so the load never settles) when no credentials add request headers, which is
 * the case with emulators on BIGQUERY_API_ENDPOINT. Giving the request a headers object avoids it.
 */
export async function loadNewlineDelimitedJson(client: BigQuery, target: LoadTarget, file: string, location?: string): Promise<void> {
  const jobId = `load_${randomUUID().replace(/-/g, '')}`;
  const resource = {
    jobReference: { projectId: target.projectId, jobId, location },
    configuration: {
      load: {
        destinationTable: target,
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        writeDisposition: 'WRITE_APPEND',
        createDisposition: 'CREATE_NEVER',
      },
    },
  };
  const multipart = [
    { 'Content-Type': 'application/json', body: JSON.stringify(resource) },
    // The client's multipart writer closes the body only after a stream part.
    { 'Content-Type': 'application/octet-stream', body: fs.createReadStream(file) },
  ];
  await new Promise<void>((resolve, reject) => {
    client.makeAuthenticatedRequest(
      {
        method: 'POST',
        uri: `${client.apiEndpoint}/upload/bigquery/v2/projects/${encodeURIComponent(target.projectId)}/jobs`,
        qs: { uploadType: 'multipart' },
        headers: {},
        multipart,
      },
      (error: Error | null) => (error ? reject(error) : resolve()),
    );
  });
  await client.job(jobId, { location }).promise();
}
