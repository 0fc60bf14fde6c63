import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGateway, type RunningGateway } from '../support/startGateway';

const run = promisify(execFile);
const clientEntry = path.resolve(__dirname, '..', '..', 'dist', 'examples', 'client', 'main.js');

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw?.close());

describe('example client (Apollo Client + apollo-upload-client, generated types)', () => {
  it('runs its typed operations against a live gateway', async () => {
    const { stdout } = await run(process.execPath, [clientEntry, gw.url], { timeout: 60_000 });
    const summary = JSON.parse(stdout);
    expect(summary.classes[0]).toMatch(/^Cat \(\d+\)$/);
    expect(summary.searched).toBe('Cat');
    expect(summary.images.length).toBeGreaterThan(0);
    expect(summary.relationTypes).toContain('holds');
  });
});
