import { useState } from 'react';

/**
 * An Open Images picture that degrades to a tidy placeholder naming the id (no network, unknown id,
 * blocked host): the <img> stays invisible until it has loaded, so a broken-image icon never shows.
 */
export function Thumbnail({ id, url, alt, size = 'small' }: { id: string; url: string; alt?: string; size?: 'small' | 'large' }) {
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  return (
    <span className={`thumb thumb-${size} thumb-${state}`}>
      {state !== 'loaded' && (
        <span className="thumb-placeholder" aria-hidden={state === 'loading'}>
          <span className="thumb-id">{id}</span>
          {state === 'failed' && <span className="thumb-note">image unavailable</span>}
        </span>
      )}
      {state !== 'failed' && (
        <img key={url} src={url} alt={alt ?? `Image ${id}`} loading="lazy" decoding="async" onLoad={() => setState('loaded')} onError={() => setState('failed')} />
      )}
    </span>
  );
}
