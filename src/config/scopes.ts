/** What a caller may do; every operation of the schema names the one it needs (ANONYMOUS_SCOPES lists them, so the list lives here). */
export const SCOPES = ['read', 'classify', 'train', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
