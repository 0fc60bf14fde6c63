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
        // The id is the placeholder's visible text ("image unavailable" is drawn by styles.css, so a link
        // named "Image <id>" still contains all its visible words). A decorative thumbnail (alt="", in a
        // link that names the image) hides it from screen readers; a meaningful one is an image named as missing.
        <span
          className="thumb-placeholder"
          {...(state === 'failed' && alt !== '' ? { role: 'img', 'aria-label': `${alt ?? `Image ${id}`} (image unavailable)` } : { 'aria-hidden': true })}
        >
          <span className="thumb-id" aria-hidden="true">
            {id}
          </span>
        </span>
      )}
      {state !== 'failed' && (
        <img key={url} src={url} alt={alt ?? `Image ${id}`} loading="lazy" decoding="async" onLoad={() => setState('loaded')} onError={() => setState('failed')} />
      )}
    </span>
  );
}
