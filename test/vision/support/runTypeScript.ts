import { execFile } from 'node:child_process';

/** Runs a TypeScript file in a fresh Node process (compiled on the fly with @swc/core), to observe process-level behaviour. */
export function runTypeScript(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', BOOTSTRAP, file], { env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const BOOTSTRAP = `
const fs = require('node:fs');
const { createRequire } = require('node:module');
const entry = process.argv[1];
const requireHere = createRequire(entry);
const swc = requireHere('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
requireHere(entry);
`;
