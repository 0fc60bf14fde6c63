import { useEffect, useRef, useSyncExternalStore } from 'react';

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
 * Moves the keyboard focus to the returned element (give it tabIndex={-1}) each time `key` changes to
 * a value other than null/undefined: the results of a search, a classification, a loaded job. The
 * first value on mount moves focus too unless `onMount` is false (a page opened from a shared URL
 * keeps its heading's focus).
 */
export function useFocusOnChange<T extends HTMLElement>(key: unknown, { onMount = false }: { onMount?: boolean } = {}) {
  const ref = useRef<T>(null);
  const first = useRef(true);
  useEffect(() => {
    if (key == null) return;
    if (first.current && !onMount) {
      first.current = false;
      return;
    }
    first.current = false;
    ref.current?.focus({ preventScroll: false });
  }, [key, onMount]);
  return ref;
}
