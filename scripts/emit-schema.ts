import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printGatewaySchema } from '../src/graphql/buildGatewaySchema';
import { projectRoot } from '../src/paths';

/** Writes schema.graphql from the type-graphql classes (`npm run schema`). */
async function main(): Promise<void> {
  const target = path.join(projectRoot(), 'schema.graphql');
  fs.writeFileSync(target, await printGatewaySchema());
  console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
