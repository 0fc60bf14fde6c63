import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../errors';

/**
 * Replaces a response larger than `maxBytes` of JSON with one RESPONSE_TOO_LARGE error, before it is
 * serialised: a response of hundreds of MB would hold that memory, and one past V8's string limit made
 * the HTTP layer answer 500 ("Invalid string length").
 */
export function responseSizeLimitPlugin(maxBytes: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const size = jsonSizeUpTo(response.body.singleResult, maxBytes);
          if (size <= maxBytes) return;
          response.body.singleResult = {
            data: null,
            errors: [
              {
                message: `The response would be larger than ${maxBytes} bytes; ask for fewer fields, smaller pages or fewer aliases.`,
                extensions: { code: ErrorCode.ResponseTooLarge, maxBytes },
              },
            ],
          };
        },
      };
    },
  };
}

/**
 * The length of `JSON.stringify(value)`, approximately (strings count their UTF-16 length, escapes
 * aside), counting no further than just past `limit`: the walk stops as soon as it knows the answer.
 */
export function jsonSizeUpTo(value: unknown, limit: number): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (size > limit) return size;
    const item = stack.pop();
    if (typeof item === 'string') size += item.length + 2;
    else if (typeof item === 'number' || typeof item === 'boolean') size += String(item).length;
    else if (item === null || item === undefined) size += 4;
    else if (Array.isArray(item)) {
      size += 1 + item.length;
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i]);
    } else if (typeof item === 'object') {
      const entries = Object.entries(item as Record<string, unknown>);
      size += 1 + entries.length;
      for (const [key, child] of entries) {
        size += key.length + 3;
        stack.push(child);
      }
    }
  }
  return size;
}
