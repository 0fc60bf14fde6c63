import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseRecord, type JobRecord, type JobStore } from './JobStore';

const JOB_FILE = /^([0-9a-f-]{36})\.json$/;

/** Job records as files in a shared folder (`<repository>/.jobs/<id>.json`), each replaced by a rename so a reader never sees half of one. */
export class FolderJobStore implements JobStore {
  constructor(private readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  async read(id: string): Promise<JobRecord | undefined> {
    const text = await fs.readFile(this.file(id), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : parseRecord(text);
  }

  async write(record: JobRecord): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const temporary = `${this.file(record.job.id)}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(record));
    await fs.rename(temporary, this.file(record.job.id));
  }

  async list(): Promise<JobRecord[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const ids = names.flatMap((name) => JOB_FILE.exec(name)?.[1] ?? []);
    const records = await Promise.all(ids.map((id) => this.read(id).catch(() => undefined)));
    return records.filter((record): record is JobRecord => record !== undefined);
  }

  async remove(id: string): Promise<void> {
    await Promise.all([this.file(id), this.claimFile(id), this.cancelFile(id)].map((file) => fs.rm(file, { force: true })));
  }

  async requestCancel(id: string, reason: string): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await fs.writeFile(this.cancelFile(id), `${reason}\n`, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }

  async cancelRequest(id: string): Promise<string | undefined> {
    const text = await fs.readFile(this.cancelFile(id), 'utf8').catch(() => undefined);
    return text?.trim();
  }

  async claim(id: string, runner: string): Promise<boolean> {
    await fs.mkdir(this.dir, { recursive: true });
    try {
      const handle = await fs.open(this.claimFile(id), 'wx');
      await handle.writeFile(`${runner}\n`);
      await handle.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private claimFile(id: string): string {
    return path.join(this.dir, `${id}.claim`);
  }

  private cancelFile(id: string): string {
    return path.join(this.dir, `${id}.cancel`);
  }
}
