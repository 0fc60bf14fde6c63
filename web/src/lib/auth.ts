import { useSyncExternalStore } from 'react';

/**
 * The credential the explorer sends: a bearer JWT or an API key a person pasted into the header's
 * sign-in field. Kept in sessionStorage only (gone when the tab closes, never shared with other tabs
 * or written to disk as localStorage would be). Every request reads it when it is sent: Apollo's link
 * (queries, mutations, uploads) and the training page's event stream.
 */
const KEY = 'explorer.credential';
const CHANGE = 'explorer:credential';
/** Asks the header's sign-in control to open (from an error message's "Sign in" button). */
const OPEN = 'explorer:open-sign-in';

function read(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: nobody is signed in
  }
}

export function credential(): string | null {
  return read();
}

/** The headers every request carries: the credential, when there is one. */
export function authorizationHeaders(): Record<string, string> {
  const token = read();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function signIn(token: string): void {
  window.sessionStorage.setItem(KEY, token.trim().replace(/^Bearer\s+/i, ''));
  window.dispatchEvent(new Event(CHANGE));
}

export function signOut(): void {
  window.sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(notify: () => void): () => void {
  window.addEventListener(CHANGE, notify);
  return () => window.removeEventListener(CHANGE, notify);
}

export function useCredential(): string | null {
  return useSyncExternalStore(subscribe, read);
}

export function openSignIn(): void {
  window.dispatchEvent(new Event(OPEN));
}

export function onOpenSignIn(listener: () => void): () => void {
  window.addEventListener(OPEN, listener);
  return () => window.removeEventListener(OPEN, listener);
}

export interface CredentialView {
  kind: 'jwt' | 'apiKey';
  /** A JWT's `sub`, read from its payload for display only: the gateway alone verifies it. */
  subject?: string;
}

/** What the header says about the credential: a token's subject, or "API key". Nothing is verified here. */
export function describeCredential(token: string): CredentialView {
  const parts = token.split('.');
  if (parts.length !== 3) return { kind: 'apiKey' };
  try {
    const bytes = Uint8Array.from(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown };
    return { kind: 'jwt', subject: typeof payload.sub === 'string' ? payload.sub : undefined };
  } catch {
    return { kind: 'jwt' };
  }
}
