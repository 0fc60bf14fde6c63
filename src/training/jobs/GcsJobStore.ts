import os from 'node:os';
import type { Bucket } from '@google-cloud/storage';
import { gcsStatus, listAll } from '../../models/repository/gcsBucket';
import { parseRecord, type JobRecord, type JobStore } from './JobStore';

const JOB_OBJECT = /\/([0-9a-f-]{36})\.json$/;
const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Job records as objects under `gs://bucket/<prefix>.jobs/<id>.json`. A write names the generation this
 * store last read or wrote (`ifGenerationMatch`, 0 for a new record): when another replica wrote in
 * between (412), the record is read again, and a job it finished stays finished rather than being
 * overwritten by a stale running state. `claim` creates `<id>.claim` with `ifGenerationMatch=0`.
 */
export class GcsJobStore implements JobStore {
  private readonly generations = new Map<string, string>();

  constructor(
    private readonly bucket: Bucket,
    private readonly prefix: string,
  ) {}

  get location(): string {
    return `gs://${this.bucket.name}/${this.prefix}.jobs/`;
  }

  async read(id: string): Promise<JobRecord | undefined> {
    try {
      const [metadata] = await this.bucket.file(this.object(id)).getMetadata();
      const generation = String(metadata.generation);
      const [bytes] = await this.bucket.file(this.object(id), { generation }).download();
      this.generations.set(id, generation);
      return parseRecord(bytes.toString('utf8'));
    } catch (error) {
      if (gcsStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async write(record: JobRecord): Promise<void> {
    const id = record.job.id;
    for (let attempt = 0; attempt < 5; attempt++) {
      const known = this.generations.get(id) ?? '0';
      try {
        const [, resource] = await this.saveRecord(record, known);
        this.generations.set(id, String((resource as { generation?: unknown }).generation));
        return;
      } catch (error) {
        if (gcsStatus(error) !== 412) throw error;
        const current = await this.read(id);
        if (current && FINISHED.has(current.job.status) && !FINISHED.has(record.job.status)) return;
        if (!current) this.generations.delete(id);
      }
    }
    throw new Error(`job record ${id}: kept changing under this write`);
  }

  async list(): Promise<JobRecord[]> {
    const { names } = await listAll(this.bucket, `${this.prefix}.jobs/`);
    const ids = names.flatMap((name) => JOB_OBJECT.exec(name)?.[1] ?? []);
    const records = await Promise.all(ids.map((id) => this.read(id).catch(() => undefined)));
    return records.filter((record): record is JobRecord => record !== undefined);
  }

  async remove(id: string): Promise<void> {
    const ignoreMissing = (error: unknown) => {
      if (gcsStatus(error) !== 404) throw error;
    };
    await Promise.all([this.object(id), this.claimObject(id), this.cancelObject(id)].map((name) => this.bucket.file(name).delete().catch(ignoreMissing)));
    this.generations.delete(id);
  }

  async requestCancel(id: string, reason: string): Promise<void> {
    try {
      await this.bucket.file(this.cancelObject(id)).save(`${reason}\n`, { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    } catch (error) {
      if (gcsStatus(error) !== 412) throw error; // asked already
    }
  }

  async cancelRequest(id: string): Promise<string | undefined> {
    try {
      const [bytes] = await this.bucket.file(this.cancelObject(id)).download();
      return bytes.toString('utf8').trim();
    } catch (error) {
      if (gcsStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async claim(id: string, runner: string): Promise<boolean> {
    try {
      await this.bucket.file(this.claimObject(id)).save(`${runner}\n`, { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
      return true;
    } catch (error) {
      if (gcsStatus(error) !== 412) throw error;
      // Taken: by another runner, or by this very call when the client retried after a lost answer.
      const [bytes] = await this.bucket.file(this.claimObject(id)).download();
      return bytes.toString('utf8').trim() === runner;
    }
  }

  private async saveRecord(record: JobRecord, generation: string) {
    const file = this.bucket.file(this.object(record.job.id));
    await file.save(JSON.stringify(record), {
      resumable: false,
      contentType: 'application/json',
      metadata: { metadata: { writer: `${os.hostname()}:${process.pid}` } },
      preconditionOpts: { ifGenerationMatch: generation },
    });
    return [file, file.metadata] as const;
  }

  private object(id: string): string {
    return `${this.prefix}.jobs/${id}.json`;
  }

  private claimObject(id: string): string {
    return `${this.prefix}.jobs/${id}.claim`;
  }

  private cancelObject(id: string): string {
    return `${this.prefix}.jobs/${id}.cancel`;
  }
}
