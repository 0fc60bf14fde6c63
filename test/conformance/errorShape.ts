/** Every error a client sees carries a string `extensions.code` it can branch on. */
export function expectEveryErrorCoded(body: { errors?: Array<{ extensions?: { code?: unknown } }> }): string[] {
  expect(body.errors?.length).toBeGreaterThan(0);
  const codes = body.errors!.map((e) => e.extensions?.code);
  for (const code of codes) expect(code).toEqual(expect.stringMatching(/^[A-Z][A-Z_]+$/));
  return codes as string[];
}
