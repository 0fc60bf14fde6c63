import { MODEL_CATALOGUE, type CatalogueEntry } from '../src/models/modelCatalogue';
import { DownloadError, digestOfFolder, downloadModel, type DownloadRequest } from '../src/models/modelDownload';
import { CliFailure, UsageError, numberOption, parseCli, reportCliError, runCli, type CliSpec } from './support/cli';

const USAGE = `Usage:
  npm run model:download -- <name> [--dir models] [--force] [--allow-unpinned]
  npm run model:download -- --url <model.json URL> --sha256 <digest> --name <id> [options below]
  npm run model:download -- --list
  npm run model:download -- --digest <model folder>

Fetches a TF.js classifier (model.json, its weight shards, its labels) into <dir>/<name>, the folder the
gateway serves as model <name>. Nothing is written unless model.json and the shards match the digest
  sha256sum model.json <shards in manifest order> | sha256sum
which --digest prints for a folder you trust, and the labels file matches its own sha256. The catalogue's
entries are not pinned yet (--list says so): they are refused unless --allow-unpinned. The gateway already
ships a default model (default-model/).

  <name>                   a catalogue model (--list shows them)
  --list                   print the catalogue
  --digest <folder>        print the digest of a model folder on disk
  --url <URL>              model.json of a custom model (needs --sha256 and --name)
  --sha256 <hex>           the digest the custom model must have
  --name <id>              folder name under --dir, and so the model id (letters, digits, ".", "_", "-")
  --labels-url <URL>       a labels file, one per line; without it the labels come from beside model.json:
                           the first of metadata.json (with "labels", e.g. Teachable Machine), dict.txt
                           (AutoML Edge) or labels.txt found there (not covered by the model digest:
                           pin them with --labels-sha256)
  --labels-sha256 <hex>    sha256 the labels file (--labels-url, or the one found beside model.json) must have
  --labels-drop-first <n>  lines of --labels-url to skip (e.g. 1 for a leading "background"; default 0)
  --input-size <px>        square input size (default: from the model's input shape, else 224)
  --input-range <lo,hi>    pixel range the model takes (default: the folder's own, else -1,1)
  --label-offset <n>       leading outputs without a label (default 0)
  --outputs <kind>         probabilities | logits (logits get a softmax; default probabilities)
  --dir <folder>           where model folders go (default MODELS_DIR, else ./models)
  --force                  replace an existing folder of that name
  --allow-unpinned         fetch files whose sha256 is not pinned (prints the digests to pin);
                           --allow-unverified is the same (its former name)
  --timeout <seconds>      per-file fetch deadline (default 120)
  --help                   this text

A network failure names the host and the cause (e.g. ENOTFOUND, ECONNREFUSED, timeout, HTTP 404).`;

const SPEC = {
  usage: USAGE,
  positionals: true,
  options: {
    dir: { type: 'string' },
    force: { type: 'boolean' },
    'allow-unpinned': { type: 'boolean' },
    'allow-unverified': { type: 'boolean' },
    url: { type: 'string' },
    sha256: { type: 'string' },
    name: { type: 'string' },
    'labels-url': { type: 'string' },
    'labels-sha256': { type: 'string' },
    'labels-drop-first': { type: 'string' },
    'input-size': { type: 'string' },
    'input-range': { type: 'string' },
    'label-offset': { type: 'string' },
    outputs: { type: 'string' },
    timeout: { type: 'string' },
    list: { type: 'boolean' },
    digest: { type: 'string' },
  },
} satisfies CliSpec<Record<string, { type: 'string' | 'boolean' }>>;

type Values = ReturnType<typeof parseCli<typeof SPEC.options>>['values'];

async function run(values: Values, positionals: string[], out: (line: string) => void): Promise<number> {
  if (values.list) {
    for (const [name, entry] of Object.entries(MODEL_CATALOGUE)) {
      const pinned = Boolean(entry.model.sha256 && entry.labels.sha256);
      out(`${name}  ${entry.description}${pinned ? '' : '  [not pinned: refused unless --allow-unpinned]'}`);
    }
    return 0;
  }
  if (values.digest) {
    out(await digestOfFolder(values.digest).catch((error: Error) => Promise.reject(new CliFailure(`cannot read ${values.digest}: ${error.message}`))));
    return 0;
  }
  const common = {
    modelsDir: values.dir ?? (process.env.MODELS_DIR?.trim() || 'models'),
    force: values.force,
    allowUnpinned: values['allow-unpinned'] || values['allow-unverified'],
    timeoutMs: (numberOption('--timeout', values.timeout, { min: 1, max: 3600 }) ?? 120) * 1000,
    log: out,
  };
  let request: DownloadRequest;
  if (values.url) {
    if (!values.name) throw new UsageError('--url needs --name (the model id to serve it under)');
    if (!values.sha256 && !common.allowUnpinned) throw new UsageError('--url needs --sha256 (or --allow-unpinned to fetch it and print the digest)');
    request = { ...customEntry(values), name: values.name, ...common };
  } else {
    const name = positionals[0];
    if (!name) throw new UsageError('name a catalogue model, or give --url, --list or --digest');
    const entry = MODEL_CATALOGUE[name];
    if (!entry) throw new UsageError(`unknown model "${name}"; --list shows the catalogue`);
    request = { ...entry, name, ...common };
  }
  try {
    await downloadModel(request);
    return 0;
  } catch (error) {
    if (error instanceof DownloadError) throw new CliFailure(error.message);
    throw error;
  }
}

function customEntry(values: Values): Pick<DownloadRequest, 'model' | 'labels' | 'labelsSha256' | 'preprocessing'> {
  const preprocessing: NonNullable<DownloadRequest['preprocessing']> = {};
  const inputSize = numberOption('--input-size', values['input-size'], { min: 1, max: 4096, integer: true });
  if (inputSize !== undefined) preprocessing.inputSize = inputSize;
  if (values['input-range'] !== undefined) {
    const range = values['input-range'].split(',').map(Number);
    if (range.length !== 2 || !range.every(Number.isFinite) || range[0] >= range[1])
      throw new UsageError(`--input-range must be "low,high" with low < high, got "${values['input-range']}"`);
    preprocessing.inputRange = [range[0], range[1]];
  }
  const labelOffset = numberOption('--label-offset', values['label-offset'], { min: 0, integer: true });
  if (labelOffset !== undefined) preprocessing.labelOffset = labelOffset;
  if (values.outputs !== undefined) {
    if (values.outputs !== 'logits' && values.outputs !== 'probabilities') throw new UsageError(`--outputs must be probabilities or logits, got "${values.outputs}"`);
    preprocessing.outputs = values.outputs;
  }
  const labels: CatalogueEntry['labels'] | undefined = values['labels-url']
    ? {
        url: values['labels-url'],
        sha256: values['labels-sha256'] ?? null,
        dropFirst: numberOption('--labels-drop-first', values['labels-drop-first'], { min: 0, integer: true }) ?? 0,
      }
    : undefined;
  const labelsSha256 = labels ? undefined : values['labels-sha256'];
  return { model: { url: values.url!, sha256: values.sha256 ?? null }, labels, labelsSha256, preprocessing };
}

/** The command line as a function (for tests): prints through `out`, returns the exit code. */
export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  try {
    const { values, positionals, help } = parseCli(SPEC, argv);
    if (help) {
      out(USAGE);
      return 0;
    }
    return await run(values, positionals, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof CliFailure) {
      out(`error: ${error.message}`);
      return error.exitCode;
    }
    return reportCliError(error, USAGE);
  }
}

if (require.main === module) runCli(SPEC, ({ values, positionals }) => run(values, positionals, console.log));
