import { useApolloClient } from '@apollo/client';
import { useEffect, useRef, useState } from 'react';
import { describeCredential, onOpenSignIn, signIn, signOut, useCredential } from '../lib/auth';

/**
 * The header's sign-in: a field for a bearer token (JWT) or API key, kept in sessionStorage (lib/auth),
 * and "Sign out". Whenever the credential changes, the Apollo store is reset so every page on screen
 * asks again as the new caller. Who is signed in is read from the token for display only.
 */
export function SignIn() {
  const client = useApolloClient();
  const credential = useCredential();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  const previous = useRef(credential);
  useEffect(() => {
    if (previous.current === credential) return;
    previous.current = credential;
    // Refetches the active queries; their own errors are shown where they are used.
    client.resetStore().catch(() => undefined);
  }, [credential, client]);

  useEffect(() => onOpenSignIn(() => setOpen(true)), []);
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open) input.current?.focus();
    // Closing the form from inside it (Escape, Cancel, submit) would drop the focus on the page's body.
    else if (wasOpen.current && (document.activeElement === document.body || !document.activeElement)) toggle.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const who = credential ? describeCredential(credential) : undefined;
  return (
    <div className="sign-in">
      {who ? (
        <span className="sign-in-who" data-testid="signed-in-as">
          {who.kind === 'apiKey' ? 'Signed in with an API key' : who.subject ? `Signed in as ${who.subject}` : 'Signed in with a token'}
        </span>
      ) : (
        <span className="sign-in-who">Not signed in</span>
      )}{' '}
      {!open && (
        <button ref={toggle} type="button" className="header-button" onClick={() => setOpen(true)}>
          {credential ? 'Switch' : 'Sign in'}
        </button>
      )}{' '}
      {credential && (
        <button type="button" className="header-button" onClick={signOut}>
          Sign out
        </button>
      )}
      {open && (
        <form
          className="sign-in-form"
          aria-label="Sign in"
          onSubmit={(event) => {
            event.preventDefault();
            if (!draft.trim()) return;
            signIn(draft);
            setDraft('');
            setOpen(false);
          }}
        >
          <label htmlFor="sign-in-token">Token or API key</label>
          <input
            id="sign-in-token"
            ref={input}
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={draft}
            placeholder="Paste it here"
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== 'Escape') return;
              // Handled here: the header's menu, which holds this form on a phone, stays open.
              event.preventDefault();
              setOpen(false);
            }}
          />
          <button type="submit">Sign in</button>
          <button type="button" className="header-button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <span className="sign-in-note">Kept for this tab only (session storage); sent as a bearer token.</span>
        </form>
      )}
    </div>
  );
}
