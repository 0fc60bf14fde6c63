import { useCallback, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A small history router: the page is the path, the page's state is the query string, so every view
 * can be shared by URL. Subscribers hear pushState/replaceState through a custom event and back/forward
 * through popstate.
 */
const CHANGE = 'explorer:navigate';

function subscribe(notify: () => void): () => void {
  window.addEventListener('popstate', notify);
  window.addEventListener(CHANGE, notify);
  return () => {
    window.removeEventListener('popstate', notify);
    window.removeEventListener(CHANGE, notify);
  };
}

const currentHref = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentHref()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

export interface Location {
  path: string;
  params: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, currentHref);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, params: url.searchParams };
}

/** Query-string state of the current page: read with `params.get`, write a patch (null/'' removes a key). */
export function useQueryState(): [URLSearchParams, (patch: Record<string, string | null | undefined>, options?: { replace?: boolean }) => void] {
  const { path, params } = useLocation();
  const update = useCallback(
    (patch: Record<string, string | null | undefined>, options: { replace?: boolean } = {}) => {
      navigate(hrefWith(path, new URLSearchParams(window.location.search), patch), options);
    },
    [path],
  );
  return [params, update];
}

export function hrefWith(path: string, base: URLSearchParams | Record<string, string | null | undefined>, patch: Record<string, string | null | undefined> = {}): string {
  const next = base instanceof URLSearchParams ? new URLSearchParams(base) : new URLSearchParams();
  if (!(base instanceof URLSearchParams)) patch = { ...base, ...patch };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined || value === '') next.delete(key);
    else next.set(key, value);
  }
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}

/** An ordinary link (open in new tab, copy address all work); a plain click navigates in place. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
