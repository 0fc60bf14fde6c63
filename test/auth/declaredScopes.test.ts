import { buildGatewaySchema } from '../../src/graphql/buildGatewaySchema';
import { declaredScope } from '../../src/auth/requiresScope';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { writeApiKeys } from '../support/identityProvider';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Who may call what, as README's scopes table says it. */
const EXPECTED: Record<string, string> = {
  classes: 'read',
  class: 'read',
  image: 'read',
  images: 'read',
  searchImages: 'read',
  relationTypes: 'read',
  searchRelations: 'read',
  models: 'read',
  trainingJob: 'read',
  trainingJobs: 'read',
  trainingJobEvents: 'read',
  capabilities: 'read',
  classify: 'classify',
  labelDetection: 'classify',
  similarImages: 'classify',
  trainModel: 'train',
  cancelTrainingJob: 'train',
  deleteModel: 'train',
  trainingDatasets: 'train',
};

describe('scopes declared on the schema', () => {
  it('every query, mutation and subscription declares its scope, and its description says it', async () => {
    const schema = await buildGatewaySchema();
    const roots = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!];
    const fields = roots.flatMap((root) => Object.values(root.getFields()));
    expect(Object.fromEntries(fields.map((field) => [field.name, declaredScope(field.name)]))).toEqual(EXPECTED);
    for (const field of fields) expect(field.description).toContain(`Needs the \`${EXPECTED[field.name]}\` scope`);
  });

  it('a caller with only `read` gets FORBIDDEN for each classify and train operation, and the answer for read ones', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scopes-'));
    const { file, keys } = writeApiKeys(dir, { reader: ['read'] });
    const gw: RunningGateway = await startGateway({ NODE_ENV: 'production', ANONYMOUS_SCOPES: 'none', API_KEYS_FILE: file });
    try {
      const as = { 'x-api-key': keys.reader };
      const read = await gw.graphql('{ relationTypes { name } models { id } trainingJobs { id } }', undefined, as);
      expect(read.body.errors).toBeUndefined();
      for (const operation of [
        'mutation { trainModel(input: { modelId: "m", data: "d" }) { id } }',
        'mutation { cancelTrainingJob(id: "x") { id } }',
        'mutation { deleteModel(id: "x") }',
        'mutation { classify(files: []) { filename } }',
        'mutation { labelDetection(files: []) { filename } }',
      ]) {
        const { body } = await gw.graphql(operation, undefined, as);
        expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
      }
      // With no anonymous scopes, a caller without credentials reads nothing.
      const anonymous = await gw.graphql('{ relationTypes { name } }');
      expect(anonymous.body.errors[0].extensions.code).toBe('FORBIDDEN');
    } finally {
      await gw.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
