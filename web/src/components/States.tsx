import type { ReactNode } from 'react';
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

/** An error box; `hints` turns known codes into a sentence a person can act on. */
export function ErrorMessage({ error, hints = {}, title = 'Something went wrong' }: { error: ApolloError | Error | ShownError | undefined; hints?: Record<string, ReactNode>; title?: string }) {
  if (!error) return null;
  const shown = error instanceof Error ? shownError(error) : error;
  if (!shown) return null;
  const hint = shown.code ? hints[shown.code] : undefined;
  return (
    <div className="state state-error" role="alert">
      <strong>{hint ? titleFor(shown.code) ?? title : title}</strong>
      {hint && <p>{hint}</p>}
      <p className="error-detail">
        {shown.code && <code>{shown.code}</code>} {shown.message}
      </p>
    </div>
  );
}

function titleFor(code: string | undefined): string | undefined {
  switch (code) {
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
