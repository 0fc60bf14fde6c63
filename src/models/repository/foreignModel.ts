/** Something under a model id that the gateway did not write: never replaced or removed. */
export class ForeignModelError extends Error {
  override name = 'ForeignModelError';
}
