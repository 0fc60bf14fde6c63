import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printGatewaySchema } from '../src/graphql/buildGatewaySchema';
import { projectRoot } from '../src/paths';
import { runCli } from './support/cli';

const USAGE = `usage: npm run schema

Writes schema.graphql from the type-graphql classes (a test fails when it is stale).

  -h, --help   this text`;

runCli({ usage: USAGE, options: {} }, async () => {
  const target = path.join(projectRoot(), 'schema.graphql');
  fs.writeFileSync(target, await printGatewaySchema());
  console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
});
