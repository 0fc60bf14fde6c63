import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { projectRoot } from '../src/paths';
import { runCli } from './support/cli';
import { GENERATED_FILE, OPERATIONS_DIR, renderExampleTabs } from './support/playgroundTabs';

const USAGE = `usage: npm run playground:tabs

Rewrites ${GENERATED_FILE} (the playground's example tabs) from the operations in
${OPERATIONS_DIR}/*.graphql and the tab list in scripts/support/playgroundTabs.ts
(a test fails when it is stale).

  -h, --help   this text`;

runCli({ usage: USAGE, options: {} }, async () => {
  const root = projectRoot();
  const file = path.join(root, GENERATED_FILE);
  const after = await prettier.format(renderExampleTabs(root), { ...(await prettier.resolveConfig(file)), filepath: file });
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === after) {
    console.log(`${GENERATED_FILE}: up to date`);
    return;
  }
  fs.writeFileSync(file, after);
  console.log(`wrote ${GENERATED_FILE}`);
});
