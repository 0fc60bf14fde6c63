import fs from 'node:fs';
import { newApiKey, type ApiKeyEntry } from '../src/auth/ApiKeys';
import { SCOPES, type Scope } from '../src/auth/caller';
import { CliFailure, runCli, UsageError } from './support/cli';

const USAGE = `usage: npm run auth:key -- --name <caller> --scopes <read,classify,train,admin> [--file <api-keys.json>]

Makes a new API key (256 random bits, prefix oig_) for a server-to-server caller and prints it once.
The gateway stores only its SHA-256: with --file the entry is added to that API_KEYS_FILE (created when
missing; a name already there is refused), else the entry is printed for you to add. The name owns the
caller's training jobs and models and keys its rate limits.`;

runCli({ usage: USAGE, options: { name: { type: 'string' }, scopes: { type: 'string' }, file: { type: 'string' } } }, ({ values }) => {
  const name = values.name;
  if (!name) throw new UsageError('--name is required');
  const scopes = (values.scopes ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  if (scopes.length === 0 || scopes.some((scope) => !(SCOPES as readonly string[]).includes(scope))) {
    throw new UsageError(`--scopes must be a comma list of ${SCOPES.join(', ')}, got "${values.scopes ?? ''}"`);
  }
  const { key, entry } = newApiKey(name, scopes as Scope[]);
  if (values.file) {
    const existing: ApiKeyEntry[] = fs.existsSync(values.file) ? (JSON.parse(fs.readFileSync(values.file, 'utf8')) as ApiKeyEntry[]) : [];
    if (!Array.isArray(existing)) throw new CliFailure(`${values.file} is not a JSON list of keys`);
    if (existing.some((item) => item.name === name)) throw new CliFailure(`${values.file} already has a key named "${name}"; remove it first to replace it`);
    fs.writeFileSync(values.file, `${JSON.stringify([...existing, entry], null, 2)}\n`, { mode: 0o600 });
    process.stdout.write(`added "${name}" (${scopes.join(', ')}) to ${values.file}\n`);
  } else {
    process.stdout.write(`API_KEYS_FILE entry:\n${JSON.stringify(entry, null, 2)}\n`);
  }
  process.stdout.write(`key (shown once; send it as "x-api-key: <key>" or "Authorization: Bearer <key>"):\n${key}\n`);
});
