import type { ReactNode } from 'react';
import { openSignIn, signOut, useCredential } from '../lib/auth';
import { shownError, type ShownError } from '../lib/errors';
import type { ApolloError } from '@apollo/client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="state state-empty" role="status">
      {children}
    </p>
  );
}

/**
 * An error box; `hints` turns known codes into a sentence a person can act on. Refusals of the caller
 * (UNAUTHENTICATED, FORBIDDEN) get theirs here, on every page, with a way to sign in or out.
 */
export function ErrorMessage({
  error,
  hints = {},
  title = 'Something went wrong',
}: {
  error: ApolloError | Error | ShownError | undefined;
  hints?: Record<string, ReactNode>;
  title?: string;
}) {
  if (!error) return null;
  const shown = error instanceof Error ? shownError(error) : error;
  if (!shown) return null;
  const callerRefused = !!shown.code && isCallerRefusal(shown.code);
  // A FORBIDDEN no scope would lift (someone else's model) needs no hint: its message says why.
  const signInHelps = shown.code === 'UNAUTHENTICATED' || (shown.code === 'FORBIDDEN' && !!shown.requiredScopes?.length);
  const hint = shown.code ? (hints[shown.code] ?? (signInHelps ? <CallerHint shown={shown} /> : undefined)) : undefined;
  return (
    <div className="state state-error" role="alert" data-code={shown.code}>
      <strong>{hint || callerRefused ? (titleFor(shown.code) ?? title) : title}</strong>
      {hint && <p>{hint}</p>}
      <p className="error-detail">
        {shown.code && <code>{shown.code}</code>} {shown.message}
      </p>
    </div>
  );
}

const isCallerRefusal = (code: string) => code === 'UNAUTHENTICATED' || code === 'FORBIDDEN';

/** What a refused caller can do about it: sign in (again, or with another credential), or sign out. */
function CallerHint({ shown }: { shown: ShownError }) {
  const signedIn = !!useCredential();
  if (shown.code === 'UNAUTHENTICATED') {
    // "The credential was refused (<reason>); send a valid token or API key, or none."
    const reason = /refused \((.*)\);/.exec(shown.message)?.[1];
    return (
      <>
        <span>{reason ? `The gateway said: ${reason}. ` : ''}Sign in again with a valid token or API key, or sign out to continue without one.</span>{' '}
        <span className="error-actions">
          <button type="button" onClick={openSignIn}>
            Sign in again
          </button>{' '}
          {signedIn && (
            <button type="button" className="secondary" onClick={signOut}>
              Sign out
            </button>
          )}
        </span>
      </>
    );
  }
  const scopes = shown.requiredScopes ?? [];
  return (
    <>
      <span>
        {signedIn ? 'Your credential lacks it: sign in with one that has the ' : 'Sign in with a token or API key that has the '}
        {scopes.map((scope, i) => (
          <span key={scope}>
            {i > 0 && ' or '}
            <code>{scope}</code>
          </span>
        ))}{' '}
        scope.
      </span>{' '}
      <button type="button" onClick={openSignIn}>
        {signedIn ? 'Sign in with another credential' : 'Sign in'}
      </button>
    </>
  );
}

function titleFor(code: string | undefined): string | undefined {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'Your sign-in was refused';
    case 'FORBIDDEN':
      return 'You are not allowed to do this';
    case 'MODEL_EXISTS':
      return 'You already have a model with this id';
    case 'VISION_UNAVAILABLE':
      return 'Label detection is not available';
    case 'EMBEDDINGS_UNAVAILABLE':
      return 'Similar images are not available';
    case 'MODEL_UNAVAILABLE':
      return 'No model is installed';
    default:
      return undefined;
  }
}
