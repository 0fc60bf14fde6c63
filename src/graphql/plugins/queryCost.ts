import {
  getArgumentValues,
  getVariableValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** `first` is 0-1000 everywhere (the contract); an estimate clamps to that, so a bad `first` reaches the resolver's BAD_USER_INPUT. */
export const MAX_PAGE_SIZE = 1000;
/** What a list field without a size argument is assumed to return. */
const TYPICAL_LIST_SIZE = 10;
/** A total is a count over every match: a scan, whatever the page size (`first: 0` included). */
const TOTAL_COUNT_COST = 20;
/**
 * What one item of a list argument costs where each item is a search of its own: a class of
 * `searchImages(classes:)` is matched against every image's labels (90 classes took 2-3 s of DuckDB on
 * the 8.5k-image Open Images test split, on a loaded 2-core machine). Other list items (`ids`, `files`)
 * cost 1 each and multiply their children.
 */
const LIST_ITEM_COST: Record<string, number> = { classes: 200 };

/**
 * The estimated cost of one operation, before it runs. Each field costs 1 plus its children. A field
 * taking `first` multiplies its children by the page size (at least 1, so `first: 0` is not free);
 * a list argument that drives the work (`ids`, `classes`, `files`) multiplies by its length; a
 * `totalCount` costs a scan per list item of the search it counts; other lists a typical size.
 *
 * Fragments are costed once each and reused at every spread: a document whose fragments spread each
 * other twice per level (2^n fields once expanded) costs n walks, not 2^n.
 */
export function estimateCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, inputs: Record<string, unknown>): number {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, { maxErrors: 1 });
  if (coerced.errors) throw coerced.errors[0];
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Keyed by fragment and the list weight it is costed under (totalCount depends on it).
  const fragmentCosts = new Map<string, Cost>();
  const inProgress = new Set<string>();

  const selectionCost = (set: SelectionSetNode, parent: GraphQLCompositeType, listWeight: number): Cost => {
    const total: Cost = { each: 0, once: 0 };
    const add = (cost: Cost) => {
      total.each += cost.each;
      total.once += cost.once;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        // A connection's total is computed once per connection, not once per item of its page.
        if (name === 'totalCount') total.once += TOTAL_COUNT_COST * listWeight;
        else total.each += fieldCost(selection, parent);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) add(selectionCost(selection.selectionSet, type, listWeight));
      } else {
        const name = selection.name.value;
        const key = `${name}:${listWeight}`;
        let cost = fragmentCosts.get(key);
        if (cost === undefined) {
          const fragment = fragments.get(name);
          const type = fragment && schema.getType(fragment.typeCondition.name.value);
          if (!fragment || !type || !isCompositeType(type) || inProgress.has(key)) continue; // validation refuses these
          inProgress.add(key);
          cost = selectionCost(fragment.selectionSet, type, listWeight);
          inProgress.delete(key);
          fragmentCosts.set(key, cost);
        }
        add(cost);
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType): number => {
    const name = node.name.value;
    if (name.startsWith('__')) return 1; // introspection: bounded by the depth limit and the schema's size
    const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!field) return 1;
    const args = argumentsOf(field, node, variables);
    const listLength = drivingListLength(field, args);
    const childType = getNamedType(field.type);
    const childWeight = Math.max(1, listLength);
    const ownCost = Math.max(1, listWorkCost(field, args));
    const { each, once } = node.selectionSet && isCompositeType(childType) ? selectionCost(node.selectionSet, childType, childWeight) : NOTHING;

    if (typeof args.first === 'number') {
      const first = Math.min(Math.max(args.first, 1), MAX_PAGE_SIZE);
      return ownCost + each * first + once;
    }
    if (listLength > 0) return ownCost + (each + once) * listLength;
    if (name === 'edges') return 1 + each + once;
    if (isListType(getNullableType(field.type))) return 1 + (each + once) * TYPICAL_LIST_SIZE;
    return 1 + each + once;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const { each, once } = selectionCost(operation.selectionSet, root, 1);
  return each + once;
}

interface Cost {
  /** Paid once per item of the enclosing list (a page's nodes). */
  each: number;
  /** Paid once for the enclosing list (its total). */
  once: number;
}
const NOTHING: Cost = { each: 0, once: 0 };

function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  return getArgumentValues(field, node, variables);
}

/** The total length of the field's list arguments: each item is work (an id to load, a class to match, a file to decode). */
function drivingListLength(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  let length = 0;
  for (const arg of field.args) {
    const value = args[arg.name];
    if (isListType(getNullableType(arg.type)) && Array.isArray(value)) length += value.length;
  }
  return length;
}

/** The work a field's list arguments ask for, item by item. */
function listWorkCost(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  let cost = 0;
  for (const arg of field.args) {
    const value = args[arg.name];
    if (isListType(getNullableType(arg.type)) && Array.isArray(value)) cost += value.length * (LIST_ITEM_COST[arg.name] ?? 1);
  }
  return cost;
}
