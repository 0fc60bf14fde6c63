import { integerVariable } from '../spec';

/** What one request may ask for (query size, response size, uploads) and what all of them may hold at once (decoding). */
export const LIMITS = {
  maxQueryDepth: integerVariable('MAX_QUERY_DEPTH', 12, 'Deepest selection a query may have.', 1),
  maxQueryCost: integerVariable('MAX_QUERY_COST', 50000, 'Highest estimated cost (list fields multiply by `first`) a query may have.', 1),
  maxQueryTokens: integerVariable('MAX_QUERY_TOKENS', 5000, 'Most lexical tokens in a GraphQL document; longer documents are refused by the parser.', 100),
  maxQueryAliases: integerVariable('MAX_QUERY_ALIASES', 30, 'Most aliased fields in a GraphQL document (`QUERY_TOO_COMPLEX`).'),
  maxSelectionRepeats: integerVariable(
    'MAX_SELECTION_REPEATS',
    20,
    'Most fields sharing a response name, or fragment spreads, in one selection set (`QUERY_TOO_COMPLEX`); keeps validation linear.',
    1,
  ),
  maxResponseBytes: integerVariable('MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 'Largest JSON response; a larger one is replaced by a `RESPONSE_TOO_LARGE` error.', 1024),
  maxUploadBytes: integerVariable('MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 'Largest uploaded file, in bytes.', 1),
  maxUploadFiles: integerVariable('MAX_UPLOAD_FILES', 16, 'Most files in one request.', 1),
  maxImagePixels: integerVariable('MAX_IMAGE_PIXELS', 40_000_000, 'Largest decoded image (width x height), against decompression bombs.', 1),
  uploadMemoryBudgetBytes: integerVariable(
    'UPLOAD_MEMORY_BUDGET_BYTES',
    256 * 1024 * 1024,
    'Upload bytes all requests together may hold in memory; a multipart request that does not fit gets 503 `OVERLOADED`.',
    1,
  ),
  decodeConcurrency: integerVariable(
    'DECODE_CONCURRENCY',
    2,
    "Images decoded at once over all requests (sharp, on libuv's 4 threads), so decoding never takes every thread from the store.",
    1,
  ),
  decodeQueueLimit: integerVariable(
    'DECODE_QUEUE_LIMIT',
    256,
    'Images waiting to be decoded over all requests; past it, a request gets 503 `OVERLOADED` at once. At least `MAX_UPLOAD_FILES`.',
    1,
  ),
  decodePixelBudget: integerVariable('DECODE_PIXEL_BUDGET', 80_000_000, 'Pixels decoded at once over all requests (an image larger than this is decoded alone).', 1),
};
