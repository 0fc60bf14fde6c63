/**
 * `source`, ending (done, not an error) as soon as `signal` aborts: a pending next() resolves at
 * once and the source is returned, so a stream waiting for its next event can still be closed.
 * Has throw() as well as return(): graphql-sse only disposes iterators that look like generators.
 */
export function endOnAbort<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const done = { done: true, value: undefined } as const;
  let finished = false;
  const aborted = new Promise<typeof done>((resolve) => {
    if (signal.aborted) resolve(done);
    else signal.addEventListener('abort', () => resolve(done), { once: true });
  });
  const finish = async () => {
    if (finished) return;
    finished = true;
    await iterator.return?.();
  };
  const wrapped = {
    async next(): Promise<IteratorResult<T, undefined>> {
      if (finished) return done;
      const result = await Promise.race([iterator.next(), aborted]);
      if (result.done) await finish();
      return result.done ? done : result;
    },
    async return(): Promise<IteratorResult<T, undefined>> {
      await finish();
      return done;
    },
    async throw(error: unknown): Promise<IteratorResult<T, undefined>> {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped as unknown as AsyncGenerator<T, undefined>;
}
