import { useEffect, useRef, useSyncExternalStore } from 'react';

/*
 * How a page tells screen-reader users what happened (issue #20), in two steps:
 *
 *   // 1. Say what arrived, once per new result (the shell's one live region reads it):
 *   const summary = data ? `${formatCount(shown)} images shown of ${formatCount(total)}` : null;
 *   useEffect(() => { if (summary) announce(summary); }, [summary]);
 *
 *   // 2. After an action the user asked for (search, next page, classify), move the focus to the
 *   //    results so Tab continues there. Key it on what was asked, gated on the data having arrived:
 *   const results = useFocusOnChange<HTMLDivElement>(data ? `${query}|${page}` : null);
 *   <div ref={results} tabIndex={-1} aria-label="Results">…</div>
 *
 * Rules of thumb: announce counts and outcomes ("3 photos classified, 1 failed"), not every keystroke;
 * do not move focus when the change came from a select, slider or checkbox (the user is still there);
 * errors need no announce: ErrorMessage is role="alert"; components keep no aria-live of their own
 * (the Pager does not), so nothing is read twice.
 */

/**
 * One polite live region for the whole explorer (rendered once by the shell): pages call
 * `announce("12 images found")` when results arrive, and screen readers read it without moving
 * the user. Repeating the same text re-announces it (a counter makes each message new).
 */
let message = { text: '', serial: 0 };
const listeners = new Set<() => void>();

export function announce(text: string): void {
  message = { text, serial: message.serial + 1 };
  listeners.forEach((notify) => notify());
}

export function useAnnouncement(): { text: string; serial: number } {
  return useSyncExternalStore(
    (notify) => {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },
    () => message,
  );
}

/**
 * Moves the keyboard focus to the returned element (give it tabIndex={-1}) each time `key` takes a
 * value other than null/undefined that differs from its last such value: the results of a search, a
 * classification, a loaded job. A refetch that passes through null and back to the same key (loading
 * again) does not move it. The first value on mount moves focus too only if `onMount` is true (a page
 * opened from a shared URL keeps its heading's focus).
 */
export function useFocusOnChange<T extends HTMLElement>(key: unknown, { onMount = false }: { onMount?: boolean } = {}) {
  const ref = useRef<T>(null);
  const last = useRef<{ key: unknown } | null>(null);
  useEffect(() => {
    if (key == null) return;
    const first = last.current === null;
    if (!first && Object.is(last.current!.key, key)) return;
    last.current = { key };
    if (!first || onMount) ref.current?.focus({ preventScroll: false });
  }, [key, onMount]);
  return ref;
}
