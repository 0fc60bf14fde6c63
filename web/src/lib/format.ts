export const formatCount = (n: number) => n.toLocaleString('en-US');
export const formatPercent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
export const formatBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** Search-page link for one or more classes. */
export function searchHref(classes: string[], match: 'ANY' | 'ALL' = 'ANY'): string {
  const params = new URLSearchParams(classes.map((c) => ['class', c]));
  if (match === 'ALL') params.set('match', 'ALL');
  return `/search?${params.toString()}`;
}

export const imageHref = (id: string) => `/images/${encodeURIComponent(id)}`;
