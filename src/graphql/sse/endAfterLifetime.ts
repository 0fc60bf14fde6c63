import { endOnAbort } from './endOnAbort';

/**
 * `source`, ended once `expired` aborts, with `last` as its final result (say why, so that the client
 * reconnects rather than thinks the job is over). A source that ends on its own ends as it did.
 */
export function endAfterLifetime<T>(source: AsyncIterable<T>, expired: AbortSignal, last: () => T): AsyncGenerator<T, undefined> {
  const inner = endOnAbort(source, expired);
  let saidWhy = false;
  const wrapped = {
    async next(): Promise<IteratorResult<T, undefined>> {
      const result = await inner.next();
      if (!result.done || saidWhy || !expired.aborted) return result;
      saidWhy = true;
      return { done: false, value: last() };
    },
    return: () => inner.return(undefined),
    throw: (error: unknown) => inner.throw(error),
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped as unknown as AsyncGenerator<T, undefined>;
}
