import { statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * One behaviour for every command-line entry point (scripts/, bench/, examples/):
 * `--help` prints the usage and exits 0; an unknown option, a bad value or a missing input prints one
 * line and the usage on stderr and exits 2; an expected failure (`CliFailure`) prints one line and
 * exits 1; only an unexpected error prints its stack.
 */

/** The caller used the command wrongly: one line, then the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An expected failure that is not a usage mistake (a network error, a failed check): one line, exit 1. */
export class CliFailure extends Error {
  override name = 'CliFailure';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;

export interface CliSpec<O extends Options> {
  /** The whole usage text, printed for --help and after every usage error. */
  usage: string;
  options: O;
  /** Positional arguments allowed (default: none). */
  positionals?: boolean;
}

/** Parses argv against the spec; throws UsageError for unknown options or unexpected positionals. */
export function parseCli<O extends Options>(spec: CliSpec<O>, argv: string[]): Parsed<O> & { help: boolean } {
  const options = { ...spec.options, help: { type: 'boolean', short: 'h' } } as O;
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as Parsed<O>;
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : oneLine((error as Error).message));
  }
  const help = Boolean((parsed.values as Record<string, unknown>).help);
  if (!help && !spec.positionals && parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  }
  return { ...parsed, help };
}

/**
 * Runs `main` as the process's entry point with the shared behaviour above. `main` receives the parsed
 * options (never called for --help) and may return an exit code.
 */
export function runCli<O extends Options>(spec: CliSpec<O>, main: (args: Parsed<O>) => Promise<number | void> | number | void, argv: string[] = process.argv.slice(2)): void {
  void (async () => {
    // Start after the calling module has finished loading: runCli is usually called before the module's
    // later constants and helpers are initialised, which main may use.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const args = parseCli(spec, argv);
      if (args.help) {
        process.stdout.write(`${spec.usage.trimEnd()}\n`);
        return 0;
      }
      return (await main(args)) ?? 0;
    } catch (error) {
      return reportCliError(error, spec.usage);
    }
  })().then((code) => {
    process.exitCode = code;
  });
}

/** Prints an error the shared way and returns the exit code. */
export function reportCliError(error: unknown, usage: string): number {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n\n${usage.trimEnd()}\n`);
    return 2;
  }
  if (error instanceof CliFailure || (error instanceof Error && error.name === 'ConfigError')) {
    // A bad environment variable (src/config/) is as expected as a bad option: its message names it.
    process.stderr.write(`error: ${error.message}\n`);
    return error instanceof CliFailure ? error.exitCode : 1;
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

/** The option's value as a path to an existing file, else UsageError naming the option. */
export function existingFile(option: string, value: string | undefined): string {
  return existingPath(option, value, 'file');
}

/** The option's value as a path to an existing directory, else UsageError naming the option. */
export function existingDir(option: string, value: string | undefined): string {
  return existingPath(option, value, 'directory');
}

/** A number option: undefined when absent, else a finite number within [min, max], else UsageError. */
export function numberOption(option: string, value: string | undefined, { min = -Infinity, max = Infinity, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max || (integer && !Number.isInteger(number))) {
    const range = [min > -Infinity ? `>= ${min}` : '', max < Infinity ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`${option} must be ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got "${value}"`);
  }
  return number;
}

function existingPath(option: string, value: string | undefined, kind: 'file' | 'directory'): string {
  if (value === undefined || value === '') throw new UsageError(`${option} is required`);
  let stats;
  try {
    stats = statSync(value);
  } catch {
    throw new UsageError(`${option} ${value}: no such ${kind}`);
  }
  if (kind === 'file' ? !stats.isFile() : !stats.isDirectory()) throw new UsageError(`${option} ${value}: not a ${kind}`);
  return value;
}

function oneLine(text: string): string {
  return text.split('\n')[0].trim();
}
