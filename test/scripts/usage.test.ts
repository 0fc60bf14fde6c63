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

const BAD_OPTION: [string[], RegExp] = [['--bogus'], /^error: unknown option --bogus$/];

/**
 * Every run is started up front, three at a time (each is a Node start that loads the entry's modules:
 * one after another they took over two minutes on a loaded machine); the tests read the results.
 */
const runs = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();
function runOnce(entry: string, args: string[]) {
  const key = `${entry} ${JSON.stringify(args)}`;
  if (!runs.has(key))
    runs.set(
      key,
      limit(() => run(entry, args)),
    );
  return runs.get(key)!;
}
let running = 0;
const waiting: (() => void)[] = [];
async function limit<T>(task: () => Promise<T>): Promise<T> {
  if (running >= 3) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await task();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

beforeAll(() => {
  for (const [, entry, missingInput] of ENTRIES) for (const args of [['--help'], BAD_OPTION[0], missingInput]) void runOnce(entry, args);
});

describe.each(ENTRIES)('npm run %s', (_name, entry, missingInput, expected) => {
  it('--help prints the usage and exits 0', async () => {
    const result = await runOnce(entry, ['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: /);
  });

  it('an unknown option or a bad input: one line, the usage, exit 2, no stack', async () => {
    for (const [args, line] of [BAD_OPTION, [missingInput, expected]] as const) {
      const result = await runOnce(entry, [...args]);
      expect(result.code).toBe(2);
      const [first, ...rest] = result.stderr.split('\n');
      expect(first).toMatch(line);
      expect(rest.join('\n')).toMatch(/usage: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
