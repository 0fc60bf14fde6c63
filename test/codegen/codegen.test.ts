import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const committedDir = path.join(root, 'examples', 'client', 'generated');

/** Runs the real codegen CLI with codegen.yml, writing to a temp folder, and compares with what is committed. */
describe('codegen output', () => {
  it('examples/client/generated is current: regenerate with `npm run codegen` when this fails', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-'));
    const config = fs.readFileSync(path.join(root, 'codegen.yml'), 'utf8').replace('examples/client/generated/:', `${JSON.stringify(outDir + '/')}:`);
    const configPath = path.join(outDir, 'codegen.yml');
    fs.writeFileSync(configPath, config);
    try {
      const cli = path.join(root, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js');
      await run(process.execPath, [cli, '--config', configPath, '--silent'], { cwd: root, timeout: 120_000 });
      const generated = fs.readdirSync(outDir).filter((name) => name.endsWith('.ts')).sort();
      expect(generated).toEqual(fs.readdirSync(committedDir).sort());
      for (const name of generated) {
        expect({ name, content: fs.readFileSync(path.join(committedDir, name), 'utf8') }).toEqual({
          name,
          content: fs.readFileSync(path.join(outDir, name), 'utf8'),
        });
      }
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
