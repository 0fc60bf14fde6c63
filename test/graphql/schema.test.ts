import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, GraphQLSchema, isNonNullType, printType } from 'graphql';
import { printGatewaySchema } from '../../src/graphql/buildGatewaySchema';

const committedPath = path.resolve(__dirname, '..', '..', 'schema.graphql');

describe('schema.graphql', () => {
  it('is current: regenerate with `npm run schema` when this fails', async () => {
    expect(fs.readFileSync(committedPath, 'utf8')).toBe(await printGatewaySchema());
  });
});

/** The contract of issue #2, as a client sees it: names, argument types and defaults, nullability. */
describe('metadata schema contract', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildSchema(fs.readFileSync(committedPath, 'utf8'));
  });

  const argsOf = (type: string, field: string) => {
    const f = (schema.getType(type) as any).getFields()[field];
    return Object.fromEntries(f.args.map((a: any) => [a.name, `${a.type}${a.defaultValue !== undefined ? ` = ${JSON.stringify(a.defaultValue)}` : ''}`]));
  };
  const typeOf = (type: string, field: string) => String((schema.getType(type) as any).getFields()[field].type);

  it.each([
    ['classes', 'ClassConnection!', { search: 'String', first: 'Int = 50', after: 'String' }],
    ['class', 'Class', { label: 'ID', description: 'String' }],
    ['relationTypes', '[RelationType!]!', {}],
    ['image', 'Image', { id: 'ID!' }],
    ['images', '[Image]!', { ids: '[ID!]!' }],
    ['searchImages', 'ImageConnection!', { classes: '[String!]!', match: 'MatchMode = "ANY"', first: 'Int = 10', after: 'String' }],
    ['searchRelations', 'RelationConnection!', { subject: 'String = "%"', relation: 'String = "%"', object: 'String = "%"', first: 'Int = 10', after: 'String' }],
  ])('Query.%s', (field, type, args) => {
    expect(typeOf('Query', field)).toBe(type);
    expect(argsOf('Query', field)).toEqual(args);
  });

  it('object types have the contract fields', () => {
    expect(typeOf('Class', 'label')).toBe('ID!');
    expect(typeOf('Class', 'description')).toBe('String!');
    expect(typeOf('Class', 'imageCount')).toBe('Int!');
    expect(typeOf('Class', 'images')).toBe('ImageConnection!');
    expect(argsOf('Class', 'images')).toEqual({ first: 'Int = 10', after: 'String' });
    expect(typeOf('RelationType', 'name')).toBe('String!');
    expect(typeOf('RelationType', 'imageCount')).toBe('Int!');
    expect(typeOf('Image', 'id')).toBe('ID!');
    expect(typeOf('Image', 'url')).toBe('String!');
    expect(typeOf('Image', 'classes')).toBe('[Class!]!');
    expect(typeOf('Image', 'relations')).toBe('[Relation!]!');
    expect(typeOf('Relation', 'image')).toBe('Image!');
    expect(typeOf('Relation', 'subject')).toBe('Class!');
    expect(typeOf('Relation', 'relation')).toBe('String!');
    expect(typeOf('Relation', 'object')).toBe('Class!');
    expect(printType(schema.getType('MatchMode')!)).toMatch(/ANY[\s\S]*ALL|ALL[\s\S]*ANY/);
    for (const connection of ['ClassConnection', 'ImageConnection', 'RelationConnection']) {
      expect(typeOf(connection, 'totalCount')).toBe('Int!');
      expect(isNonNullType((schema.getType(connection) as any).getFields().edges.type)).toBe(true);
      expect(typeOf(connection, 'pageInfo')).toBe('PageInfo!');
    }
    expect(typeOf('PageInfo', 'hasNextPage')).toBe('Boolean!');
    expect(typeOf('PageInfo', 'endCursor')).toBe('String');
    expect(typeOf('ImageEdge', 'cursor')).toBe('String!');
    expect(typeOf('ImageEdge', 'node')).toBe('Image!');
  });

  it('image model contract (issue #3)', () => {
    expect(typeOf('Mutation', 'classify')).toBe('[ImageClassification!]!');
    expect(argsOf('Mutation', 'classify')).toEqual({ files: '[Upload!]!', model: 'ID', minConfidence: 'Float = 0.05', maxResults: 'Int = 10' });
    expect(typeOf('Mutation', 'labelDetection')).toBe('[ImageClassification!]!');
    expect(argsOf('Mutation', 'labelDetection')).toEqual({ files: '[Upload!]!', maxResults: 'Int = 10' });
    expect(typeOf('Query', 'models')).toBe('[Model!]!');
    expect(schema.getType('Upload')).toBeDefined();
    expect(typeOf('ImageClassification', 'filename')).toBe('String!');
    expect(typeOf('ImageClassification', 'mimetype')).toBe('String');
    expect(typeOf('ImageClassification', 'bytes')).toBe('Int');
    expect(typeOf('ImageClassification', 'labels')).toBe('[Label!]!');
    expect(typeOf('ImageClassification', 'error')).toBe('ClassificationError');
    expect(typeOf('Label', 'name')).toBe('String!');
    expect(typeOf('Label', 'score')).toBe('Float!');
    expect(typeOf('Label', 'mid')).toBe('String');
    expect(typeOf('Label', 'class')).toBe('Class');
    expect(typeOf('ClassificationError', 'code')).toBe('String!');
    expect(typeOf('ClassificationError', 'message')).toBe('String!');
    expect(typeOf('Model', 'id')).toBe('ID!');
    expect(typeOf('Model', 'labels')).toBe('[String!]!');
    expect(typeOf('Model', 'inputSize')).toBe('Int!');
    expect(typeOf('Model', 'backend')).toBe('String!');
  });

  it('training and similarity contract (issue #4)', () => {
    expect(typeOf('Mutation', 'trainModel')).toBe('TrainingJob!');
    expect(Object.keys(argsOf('Mutation', 'trainModel'))).toEqual(['input']);
    expect(typeOf('Query', 'trainingJob')).toBe('TrainingJob');
    expect(argsOf('Query', 'trainingJob')).toEqual({ id: 'ID!' });
    expect(typeOf('Model', 'evaluation')).toBe('ModelEvaluation');
    expect(typeOf('Query', 'similarImages')).toBe('[SimilarImage!]!');
    expect(argsOf('Query', 'similarImages')).toEqual({ file: 'Upload!', first: 'Int = 10' });
    expect(typeOf('SimilarImage', 'path')).toBe('String!');
    expect(typeOf('SimilarImage', 'label')).toBe('String');
    expect(typeOf('SimilarImage', 'score')).toBe('Float!');
    expect(typeOf('SimilarImage', 'image')).toBe('Image');
  });
});
