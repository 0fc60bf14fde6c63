import { useSyncExternalStore } from 'react';

/** A touch screen without hover (a phone, a tablet): no drag and drop to offer, fingers need big targets. */
const QUERY = '(pointer: coarse), (hover: none)';

function subscribe(notify: () => void): () => void {
  const list = window.matchMedia(QUERY);
  list.addEventListener('change', notify);
  return () => list.removeEventListener('change', notify);
}

export function useCoarsePointer(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(QUERY).matches);
}
