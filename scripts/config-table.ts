import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../src/config';
import { projectRoot } from '../src/paths';
import { CliFailure, runCli } from './support/cli';
import { replaceConfigTable } from './support/configTable';

const USAGE = `usage: npm run docs:config

Rewrites the configuration table in README.md (between <!-- config-table:start --> and
<!-- config-table:end -->) from the variable specs in src/config/variables/ (a test fails when it is stale).

  -h, --help   this text`;

runCli({ usage: USAGE, options: {} }, () => {
  const readme = path.join(projectRoot(), 'README.md');
  const before = fs.readFileSync(readme, 'utf8');
  let after: string;
  try {
    after = replaceConfigTable(before, CONFIG_VARIABLES);
  } catch (error) {
    throw new CliFailure((error as Error).message);
  }
  if (after === before) {
    console.log('README.md: the configuration table is up to date');
    return;
  }
  fs.writeFileSync(readme, after);
  console.log(`wrote the configuration table of ${path.relative(process.cwd(), readme) || readme} (${CONFIG_VARIABLES.length} variables)`);
});
