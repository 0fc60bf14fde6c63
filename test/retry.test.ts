import { exponentialDelay, retry } from '../src/retry';

describe('retry', () => {
  const transient = new Error('transient');
  const fatal = new Error('fatal');

  it('retries what is retryable until an attempt succeeds, waiting as told', async () => {
    const waits: number[] = [];
    const answers = [transient, transient, 'ok'];
    const result = await retry(
      async (attempt) => {
        const answer = answers[attempt - 1];
        if (answer instanceof Error) throw answer;
        return `${answer} on attempt ${attempt}`;
      },
      { retries: 2, retryable: (error) => error === transient, delayMs: () => 1, beforeRetry: ({ delayMs }) => waits.push(delayMs) },
    );
    expect(result).toBe('ok on attempt 3');
    expect(waits).toEqual([1, 1]);
  });

  it('throws at once what is not retryable, and the last failure once the retries are spent', async () => {
    let calls = 0;
    await expect(retry(() => Promise.reject(fatal).finally(() => calls++), { retries: 5, retryable: (error) => error === transient, delayMs: () => 1 })).rejects.toBe(fatal);
    expect(calls).toBe(1);
    calls = 0;
    await expect(retry(() => Promise.reject(transient).finally(() => calls++), { retries: 2, retryable: () => true, delayMs: () => 1 })).rejects.toBe(transient);
    expect(calls).toBe(3);
  });

  it('stops with what beforeRetry throws (a deadline the wait would pass)', async () => {
    const stop = new Error('deadline');
    await expect(
      retry(() => Promise.reject(transient), {
        retries: 3,
        retryable: () => true,
        delayMs: () => 1,
        beforeRetry: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
  });

  it('backs off exponentially from the base', () => {
    expect([1, 2, 3].map(exponentialDelay(200, 4))).toEqual([200, 800, 3200]);
  });
});
