import { useAnnouncement } from '../lib/announce';

/** The explorer's one polite live region (see lib/announce); visually hidden, read by screen readers. */
export function LiveRegion() {
  const { text, serial } = useAnnouncement();
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      <span key={serial}>{text}</span>
    </div>
  );
}
