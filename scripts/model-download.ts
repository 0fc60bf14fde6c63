import { parseArgs } from 'node:util';
import { MODEL_CATALOGUE, type CatalogueEntry } from '../src/models/modelCatalogue';
import { DownloadError, digestOfFolder, downloadModel } from '../src/models/modelDownload';

const USAGE = `Usage:
  npm run model:download -- <name> [--dir models] [--force] [--allow-unverified]
  npm run model:download -- --url <model.json URL> --sha256 <digest> --name <id>
        (--labels-url <URL> [--labels-sha256 <hex>] [--labels-drop-first 1])
        [--input-size 224] [--input-range -1,1] [--label-offset 0] [--outputs probabilities|logits]
        [--dir models] [--force] [--allow-unverified]
  npm run model:download -- --list
  npm run model:download -- --digest <model folder>

Fetches a TF.js classifier (model.json, its weight shards, a labels file) into <dir>/<name>, the folder
the gateway serves as model <name> (--dir defaults to MODELS_DIR, else ./models). Nothing is written
unless every file matches its sha256. A model's digest is
  sha256sum model.json <shards in manifest order> | sha256sum
which --digest prints for a folder you trust.`;

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: process.env.MODELS_DIR?.trim() || 'models' },
      force: { type: 'boolean' },
      'allow-unverified': { type: 'boolean' },
      url: { type: 'string' },
      sha256: { type: 'string' },
      name: { type: 'string' },
      'labels-url': { type: 'string' },
      'labels-sha256': { type: 'string' },
      'labels-drop-first': { type: 'string', default: '0' },
      'input-size': { type: 'string', default: '224' },
      'input-range': { type: 'string', default: '-1,1' },
      'label-offset': { type: 'string', default: '0' },
      outputs: { type: 'string', default: 'probabilities' },
      list: { type: 'boolean' },
      digest: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.list) {
    for (const [name, entry] of Object.entries(MODEL_CATALOGUE)) {
      out(`${name}  ${entry.description}${entry.model.sha256 ? '' : '  [digest not pinned]'}`);
    }
    return 0;
  }
  if (values.digest) {
    out(await digestOfFolder(values.digest));
    return 0;
  }
  const entry = values.url ? customEntry(values) : MODEL_CATALOGUE[positionals[0] ?? ''];
  const name = values.url ? values.name : positionals[0];
  if (values.help || !entry || !name) {
    out(positionals[0] && !values.url ? `Unknown model "${positionals[0]}"; --list shows the catalogue.\n\n${USAGE}` : USAGE);
    return values.help ? 0 : 2;
  }
  try {
    await downloadModel({ ...entry, name, modelsDir: values.dir!, force: values.force, allowUnverified: values['allow-unverified'], log: out });
    return 0;
  } catch (error) {
    if (!(error instanceof DownloadError)) throw error;
    out(`error: ${error.message}`);
    return 1;
  }
}

function customEntry(values: Record<string, string | boolean | undefined>): CatalogueEntry | undefined {
  if (!values['labels-url']) return undefined;
  const range = String(values['input-range']).split(',').map(Number);
  const outputs = values.outputs === 'logits' ? 'logits' : 'probabilities';
  return {
    description: 'custom',
    model: { url: String(values.url), sha256: (values.sha256 as string | undefined) ?? null },
    labels: { url: String(values['labels-url']), sha256: (values['labels-sha256'] as string | undefined) ?? null, dropFirst: Number(values['labels-drop-first']) },
    preprocessing: { inputSize: Number(values['input-size']), inputRange: [range[0], range[1]], labelOffset: Number(values['label-offset']), outputs },
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
