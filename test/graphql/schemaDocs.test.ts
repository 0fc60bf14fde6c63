import fs from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery, graphqlSync, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { buildGatewaySchema, printGatewaySchema } from '../../src/graphql/buildGatewaySchema';
import { ROOT_TYPE_DESCRIPTIONS } from '../../src/schema/rootTypes';

/**
 * Issue #21: the schema is the API's documentation. graphql-schema-linter, with the rules of
 * .graphql-schema-linterrc (what `npm run lint:schema` runs on schema.graphql), must find nothing in the
 * schema the type-graphql classes generate: every type, field, argument, input value and enum value
 * described, Relay connections well-formed.
 */

const root = path.resolve(__dirname, '..', '..');

interface LinterOptions {
  rules: string[];
  rulesOptions?: Record<string, unknown>;
  ignore?: Record<string, string[]>;
}
interface LintError {
  message: string;
  ruleName: string;
  locations?: { line: number; column: number }[];
}
// graphql-schema-linter ships no type declarations.
/* eslint-disable @typescript-eslint/no-require-imports -- graphql-schema-linter's internals have no types and no ESM entry; each require is typed by hand */
const { Configuration } = require('graphql-schema-linter/lib/configuration.js') as {
  Configuration: new (schema: unknown, options: LinterOptions) => { getRules(): { name: string }[]; validate(): { message: string }[] };
};
const { validateSchemaDefinition } = require('graphql-schema-linter/lib/validator.js') as {
  validateSchemaDefinition(schema: unknown, rules: unknown[], configuration: unknown): LintError[];
};
const { Schema } = require('graphql-schema-linter/lib/schema.js') as { Schema: new (definition: string, sourceMap: unknown) => unknown };
const { SourceMap } = require('graphql-schema-linter/lib/source_map.js') as { SourceMap: new (files: Record<string, string>) => unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

const options = JSON.parse(fs.readFileSync(path.join(root, '.graphql-schema-linterrc'), 'utf8')) as LinterOptions;

/** The linter's findings on `sdl`, as the CLI prints them (compact format). */
function lint(sdl: string, file = 'schema.graphql'): string[] {
  const schema = new Schema(sdl, new SourceMap({ [file]: sdl }));
  const configuration = new Configuration(schema, options);
  return validateSchemaDefinition(schema, configuration.getRules(), configuration).map(
    (error) => `${file}:${error.locations?.[0]?.line}:${error.locations?.[0]?.column} ${error.message} (${error.ruleName})`,
  );
}

describe('the schema as documentation (graphql-schema-linter)', () => {
  it('.graphql-schema-linterrc names only rules graphql-schema-linter has', () => {
    const configuration = new Configuration(undefined, options);
    expect(configuration.validate().map((issue) => issue.message)).toEqual([]);
    expect(configuration.getRules()).toHaveLength(options.rules.length);
  });

  it('finds a field, an argument and a type without a description (the check can fail)', () => {
    const findings = lint('"""Root."""\ntype Query {\n  """Described."""\n  a(x: Int): Int\n  b: Int\n}\n\ntype Unused {\n  """Described."""\n  c: Int\n}\n');
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('(arguments-have-descriptions)'),
        expect.stringContaining('`Query.b` is missing a description. (fields-have-descriptions)'),
        expect.stringContaining('`Unused` is missing a description. (types-have-descriptions)'),
        expect.stringContaining('(defined-types-are-used)'),
      ]),
    );
  });

  it('finds nothing in the schema the type-graphql classes generate', async () => {
    expect(lint(await printGatewaySchema(), '(generated schema)')).toEqual([]);
  });

  it('finds nothing in the committed schema.graphql (`npm run lint:schema`)', () => {
    expect(lint(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'))).toEqual([]);
  });
});

describe('descriptions over introspection (what GraphiQL’s docs pane and codegen read)', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it('the root types and their fields carry their descriptions', () => {
    const result = graphqlSync({ schema, source: getIntrospectionQuery() });
    expect(result.errors).toBeUndefined();
    const types = (result.data as unknown as IntrospectionQuery).__schema.types;
    const described = (name: string) => types.find((type) => type.name === name)?.description;
    expect(described('Query')).toBe(ROOT_TYPE_DESCRIPTIONS.query);
    expect(described('Mutation')).toBe(ROOT_TYPE_DESCRIPTIONS.mutation);
    expect(described('Subscription')).toBe(ROOT_TYPE_DESCRIPTIONS.subscription);
    const query = types.find((type) => type.name === 'Query');
    const classes = query && 'fields' in query ? query.fields.find((field) => field.name === 'classes') : undefined;
    expect(classes?.description).toMatch(/^Classes that have at least one image, by description\./);
    expect(classes?.args.find((arg) => arg.name === 'after')?.description).toMatch(/endCursor/);
  });
});
