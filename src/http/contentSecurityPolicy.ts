/** The directives a page of the gateway sets, in the order they are written. */
const DIRECTIVES = [
  'default-src',
  'script-src',
  'style-src',
  'style-src-elem',
  'img-src',
  'font-src',
  'connect-src',
  'object-src',
  'base-uri',
  'form-action',
  'frame-ancestors',
] as const;

export type CspDirective = (typeof DIRECTIVES)[number];

/** Everything from the gateway's own origin; no plugins, no <base>, no framing. */
const SAME_ORIGIN: Partial<Record<CspDirective, string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * A Content-Security-Policy of the gateway's pages (the explorer, the playground): the same-origin policy
 * above, plus the sources a page adds to a directive (`allow`), e.g. an image host or `data:`.
 */
export function contentSecurityPolicy(allow: Partial<Record<CspDirective, readonly string[]>> = {}): string {
  return DIRECTIVES.flatMap((directive) => {
    const sources = [...(SAME_ORIGIN[directive] ?? []), ...(allow[directive] ?? [])];
    return sources.length ? [`${directive} ${sources.join(' ')}`] : [];
  }).join('; ');
}
