import { execFile } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/paths';

/**
 * The shared command-line behaviour (scripts/support/cli.ts) of the load/schema/example/bench entry
 * points, run as `npm run x` runs them (the built files in dist/): --help prints the usage and exits 0
 * without doing anything; an unknown option or a missing input prints one line and the usage, exit 2.
 */
const ROOT = projectRoot();

function run(entry: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist', entry), ...args], { cwd: ROOT, timeout: 90_000, env: { ...process.env, LOG_LEVEL: 'silent' } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const ENTRIES: [name: string, entry: string, missingInput: string[], expected: RegExp][] = [
  ['load', 'scripts/load.js', ['--dir', '/nonexistent'], /^error: --dir \/nonexistent: no such directory$/],
  ['schema', 'scripts/emit-schema.js', ['extra'], /^error: unexpected argument "extra"$/],
  ['docs:config', 'scripts/config-table.js', ['extra'], /^error: unexpected argument "extra"$/],
  ['playground:tabs', 'scripts/playground-tabs.js', ['extra'], /^error: unexpected argument "extra"$/],
  ['worker', 'scripts/worker.js', ['extra'], /^error: unexpected argument "extra"$/],
  ['example:client', 'examples/client/main.js', ['http://127.0.0.1:1/graphql', '/nonexistent.png'], /^error: photo \/nonexistent.png: no such file$/],
  ['bench:metadata', 'bench/metadata.js', ['--images', 'many'], /^error: --images must be an integer >= 1, got "many"$/],
  ['bench:load', 'bench/load.js', ['--model', '/nonexistent'], /^error: --model \/nonexistent: no such directory$/],
  ['auth:key', 'scripts/auth-key.js', ['--name', 'x', '--scopes', 'write'], /^error: --scopes must be a comma list of read, classify, train, admin, got "write"$/],
  ['bench:auth', 'bench/auth.js', ['--rounds', 'many'], /^error: --rounds must be an integer >= 1, got "many"$/],
  ['bench:soak', 'bench/soak.js', ['--model', '/nonexistent'], /^error: --model \/nonexistent: no such directory$/],
  ['bench:onnx-agreement', 'bench/onnx-agreement.js', ['--model', '/nonexistent'], /^error: --model \/nonexistent: no such directory$/],
];

describe.each(ENTRIES)('npm run %s', (_name, entry, missingInput, expected) => {
  it('--help prints the usage and exits 0', async () => {
    const result = await run(entry, ['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: /);
  });

  it('an unknown option or a bad input: one line, the usage, exit 2, no stack', async () => {
    for (const [args, line] of [
      [['--bogus'], /^error: unknown option --bogus$/],
      [missingInput, expected],
    ] as const) {
      const result = await run(entry, [...args]);
      expect(result.code).toBe(2);
      const [first, ...rest] = result.stderr.split('\n');
      expect(first).toMatch(line);
      expect(rest.join('\n')).toMatch(/usage: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
