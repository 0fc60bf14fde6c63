/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation ClassifyImages($files: [Upload!]!, $model: ID, $minConfidence: Float, $maxResults: Int) {\n  classify(\n    files: $files\n    model: $model\n    minConfidence: $minConfidence\n    maxResults: $maxResults\n  ) {\n    filename\n    bytes\n    error {\n      code\n      message\n    }\n    labels {\n      name\n      score\n      class {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery Models {\n  models {\n    id\n    inputSize\n    backend\n  }\n}": typeof types.ClassifyImagesDocument,
    "query ClassesPage($search: String, $first: Int, $after: String) {\n  classes(search: $search, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery ImageDetails($ids: [ID!]!) {\n  images(ids: $ids) {\n    id\n    url\n    classes {\n      label\n      description\n    }\n    relations {\n      subject {\n        description\n      }\n      relation\n      object {\n        description\n      }\n    }\n  }\n}\n\nquery SearchImages($classes: [String!]!, $match: MatchMode, $first: Int, $after: String) {\n  searchImages(classes: $classes, match: $match, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        url\n      }\n    }\n  }\n}\n\nquery SearchRelations($subject: String, $relation: String, $object: String, $first: Int) {\n  searchRelations(\n    subject: $subject\n    relation: $relation\n    object: $object\n    first: $first\n  ) {\n    totalCount\n    edges {\n      node {\n        image {\n          id\n        }\n        subject {\n          description\n        }\n        relation\n        object {\n          description\n        }\n      }\n    }\n  }\n}\n\nquery RelationTypes {\n  relationTypes {\n    name\n    imageCount\n  }\n}": typeof types.ClassesPageDocument,
};
const documents: Documents = {
    "mutation ClassifyImages($files: [Upload!]!, $model: ID, $minConfidence: Float, $maxResults: Int) {\n  classify(\n    files: $files\n    model: $model\n    minConfidence: $minConfidence\n    maxResults: $maxResults\n  ) {\n    filename\n    bytes\n    error {\n      code\n      message\n    }\n    labels {\n      name\n      score\n      class {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery Models {\n  models {\n    id\n    inputSize\n    backend\n  }\n}": types.ClassifyImagesDocument,
    "query ClassesPage($search: String, $first: Int, $after: String) {\n  classes(search: $search, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery ImageDetails($ids: [ID!]!) {\n  images(ids: $ids) {\n    id\n    url\n    classes {\n      label\n      description\n    }\n    relations {\n      subject {\n        description\n      }\n      relation\n      object {\n        description\n      }\n    }\n  }\n}\n\nquery SearchImages($classes: [String!]!, $match: MatchMode, $first: Int, $after: String) {\n  searchImages(classes: $classes, match: $match, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        url\n      }\n    }\n  }\n}\n\nquery SearchRelations($subject: String, $relation: String, $object: String, $first: Int) {\n  searchRelations(\n    subject: $subject\n    relation: $relation\n    object: $object\n    first: $first\n  ) {\n    totalCount\n    edges {\n      node {\n        image {\n          id\n        }\n        subject {\n          description\n        }\n        relation\n        object {\n          description\n        }\n      }\n    }\n  }\n}\n\nquery RelationTypes {\n  relationTypes {\n    name\n    imageCount\n  }\n}": types.ClassesPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClassifyImages($files: [Upload!]!, $model: ID, $minConfidence: Float, $maxResults: Int) {\n  classify(\n    files: $files\n    model: $model\n    minConfidence: $minConfidence\n    maxResults: $maxResults\n  ) {\n    filename\n    bytes\n    error {\n      code\n      message\n    }\n    labels {\n      name\n      score\n      class {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery Models {\n  models {\n    id\n    inputSize\n    backend\n  }\n}"): (typeof documents)["mutation ClassifyImages($files: [Upload!]!, $model: ID, $minConfidence: Float, $maxResults: Int) {\n  classify(\n    files: $files\n    model: $model\n    minConfidence: $minConfidence\n    maxResults: $maxResults\n  ) {\n    filename\n    bytes\n    error {\n      code\n      message\n    }\n    labels {\n      name\n      score\n      class {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery Models {\n  models {\n    id\n    inputSize\n    backend\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClassesPage($search: String, $first: Int, $after: String) {\n  classes(search: $search, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery ImageDetails($ids: [ID!]!) {\n  images(ids: $ids) {\n    id\n    url\n    classes {\n      label\n      description\n    }\n    relations {\n      subject {\n        description\n      }\n      relation\n      object {\n        description\n      }\n    }\n  }\n}\n\nquery SearchImages($classes: [String!]!, $match: MatchMode, $first: Int, $after: String) {\n  searchImages(classes: $classes, match: $match, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        url\n      }\n    }\n  }\n}\n\nquery SearchRelations($subject: String, $relation: String, $object: String, $first: Int) {\n  searchRelations(\n    subject: $subject\n    relation: $relation\n    object: $object\n    first: $first\n  ) {\n    totalCount\n    edges {\n      node {\n        image {\n          id\n        }\n        subject {\n          description\n        }\n        relation\n        object {\n          description\n        }\n      }\n    }\n  }\n}\n\nquery RelationTypes {\n  relationTypes {\n    name\n    imageCount\n  }\n}"): (typeof documents)["query ClassesPage($search: String, $first: Int, $after: String) {\n  classes(search: $search, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        label\n        description\n        imageCount\n      }\n    }\n  }\n}\n\nquery ImageDetails($ids: [ID!]!) {\n  images(ids: $ids) {\n    id\n    url\n    classes {\n      label\n      description\n    }\n    relations {\n      subject {\n        description\n      }\n      relation\n      object {\n        description\n      }\n    }\n  }\n}\n\nquery SearchImages($classes: [String!]!, $match: MatchMode, $first: Int, $after: String) {\n  searchImages(classes: $classes, match: $match, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        url\n      }\n    }\n  }\n}\n\nquery SearchRelations($subject: String, $relation: String, $object: String, $first: Int) {\n  searchRelations(\n    subject: $subject\n    relation: $relation\n    object: $object\n    first: $first\n  ) {\n    totalCount\n    edges {\n      node {\n        image {\n          id\n        }\n        subject {\n          description\n        }\n        relation\n        object {\n          description\n        }\n      }\n    }\n  }\n}\n\nquery RelationTypes {\n  relationTypes {\n    name\n    imageCount\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;