import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { buildExampleTabs, GENERATED_FILE } from '../../scripts/support/playgroundTabs';
import { EXAMPLE_TABS } from '../../src/playground/exampleTabs.generated';

const root = path.resolve(__dirname, '..', '..');

describe("the playground's example tabs", () => {
  it(`are the ones the operation files generate (npm run playground:tabs rewrites ${GENERATED_FILE})`, () => {
    expect(EXAMPLE_TABS).toEqual(buildExampleTabs(root));
  });

  it('hold operations that are valid against schema.graphql, with variables that are JSON', () => {
    const schema = buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
    for (const tab of EXAMPLE_TABS) {
      expect(validate(schema, parse(tab.query)).map((error) => error.message)).toEqual([]);
      if (tab.variables) expect(typeof JSON.parse(tab.variables)).toBe('object');
    }
  });
});
