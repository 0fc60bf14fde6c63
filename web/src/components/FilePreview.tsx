import { useState } from 'react';

/** A local preview of an upload (a blob: URL, nothing leaves the page); a file the browser cannot show gets a neat box. */
export function FilePreview({ url }: { url: string | undefined | null }) {
  const [failed, setFailed] = useState(false);
  if (!url || failed) {
    return (
      <span className="preview preview-none" aria-hidden="true">
        no preview
      </span>
    );
  }
  return <img className="preview" src={url} alt="" onError={() => setFailed(true)} />;
}
