import type { DocumentNode, TypeNode } from 'graphql';
import { print } from 'graphql';
import { useEffect, useSyncExternalStore } from 'react';

/**
 * The GraphQL operation the current page shows, so the shell can offer "Open in GraphiQL" with the
 * same document and variables filled in. A page calls `usePageOperation(document, variables)`; the
 * last page to call it owns the link until it unmounts. Uploads cannot travel in a URL: File values
 * become null, and `hasUploads` says so (also before a file is chosen: the operation takes an Upload).
 * The query is `print(document)`: the generated documents carry their fragments, so it runs as it is.
 */
export interface PageOperation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  hasUploads: boolean;
}

let current: PageOperation | null = null;
const listeners = new Set<() => void>();

function publish(next: PageOperation | null): void {
  current = next;
  listeners.forEach((notify) => notify());
}

function subscribe(notify: () => void): () => void {
  listeners.add(notify);
  return () => listeners.delete(notify);
}

function withoutFiles(value: unknown, found: { uploads: boolean }): unknown {
  if (typeof File !== 'undefined' && value instanceof Blob) {
    found.uploads = true;
    return null;
  }
  if (Array.isArray(value)) return value.map((item) => withoutFiles(item, found));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutFiles(item, found)]));
  return value;
}

function namedType(type: TypeNode): string {
  return type.kind === 'NamedType' ? type.name.value : namedType(type.type);
}

/** Whether the operation declares a variable of the Upload scalar (multipart requests, which a link cannot carry). */
function takesUploads(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) => definition.kind === 'OperationDefinition' && (definition.variableDefinitions ?? []).some((variable) => namedType(variable.type) === 'Upload'),
  );
}

function operationNameOf(document: DocumentNode): string | undefined {
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition');
  return operation && operation.kind === 'OperationDefinition' ? operation.name?.value : undefined;
}

/** Registers the page's operation (null: none) while the page is mounted; variables are compared by value. */
export function usePageOperation(document: DocumentNode | null, variables: Record<string, unknown> = {}): void {
  const found = { uploads: false };
  const cleaned = withoutFiles(variables, found) as Record<string, unknown>;
  const key = document ? `${print(document)}\n${JSON.stringify(cleaned)}` : '';
  useEffect(() => {
    if (!document) return undefined;
    const operation: PageOperation = { query: print(document), variables: cleaned, operationName: operationNameOf(document), hasUploads: found.uploads || takesUploads(document) };
    publish(operation);
    return () => {
      if (current === operation) publish(null);
    };
    // `key` stands for document and variables by value.
  }, [key]);
}

export function useCurrentPageOperation(): PageOperation | null {
  return useSyncExternalStore(subscribe, () => current);
}

/** The playground URL that opens with this operation in the editor (the playground reads these parameters). */
export function graphiqlHref(operation: PageOperation | null): string {
  if (!operation) return '/graphql';
  const params = new URLSearchParams({ query: operation.query });
  if (Object.keys(operation.variables).length > 0) params.set('variables', JSON.stringify(operation.variables, null, 2));
  if (operation.operationName) params.set('operationName', operation.operationName);
  return `/graphql?${params.toString()}`;
}
