import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildSchema, type GraphQLInputObjectType } from 'graphql';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
/** Every output folder of codegen.yml: the example client's and the web explorer's. */
const OUTPUTS = ['examples/client/generated/', 'web/src/generated/'];

/** Runs the real codegen CLI with codegen.yml, writing to temp folders, and compares with what is committed. */
describe('codegen output', () => {
  it('examples/client/generated and web/src/generated are current: regenerate with `npm run codegen` when this fails', async () => {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-'));
    let config = fs.readFileSync(path.join(root, 'codegen.yml'), 'utf8');
    const outDirs = OUTPUTS.map((output, i) => {
      const outDir = path.join(tempDir, `out${i}`) + '/';
      expect(config).toContain(`  ${output}:`);
      config = config.replace(`  ${output}:`, `  ${JSON.stringify(outDir)}:`);
      return outDir;
    });
    const configPath = path.join(tempDir, 'codegen.yml');
    fs.writeFileSync(configPath, config);
    try {
      const cli = path.join(root, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js');
      await run(process.execPath, [cli, '--config', configPath, '--silent'], { cwd: root, timeout: 120_000 });
      OUTPUTS.forEach((output, i) => {
        const committedDir = path.join(root, output);
        const generated = fs
          .readdirSync(outDirs[i])
          .filter((name) => name.endsWith('.ts'))
          .sort();
        expect({ output, files: generated }).toEqual({ output, files: fs.readdirSync(committedDir).sort() });
        for (const name of generated) {
          expect({ output, name, content: fs.readFileSync(path.join(committedDir, name), 'utf8') }).toEqual({
            output,
            name,
            content: fs.readFileSync(path.join(outDirs[i], name), 'utf8'),
          });
        }
      });
    } finally {
      fs.rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it('carries the schema descriptions as TSDoc comments (issue #21)', () => {
    const schema = buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
    const epochs = (schema.getType('TrainModelInput') as GraphQLInputObjectType).getFields().epochs.description;
    expect(epochs).toMatch(/^Passes over the TRAIN images/);
    for (const output of OUTPUTS) {
      expect(fs.readFileSync(path.join(root, output, 'graphql.ts'), 'utf8')).toContain(`  /** ${epochs} */\n  epochs?: number | null | undefined;`);
    }
  });
});
