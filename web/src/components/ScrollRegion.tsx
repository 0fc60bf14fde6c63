import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A wide table's box: when its content is wider than the screen it becomes a labelled region the
 * keyboard can reach (Tab, then arrow keys scroll it) and shows a visible cue that more columns
 * follow; when everything fits it is a plain box.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (!box) return undefined;
    const measure = () => setOverflows(box.scrollWidth > box.clientWidth + 1);
    measure();
    // The box resizes with the screen, its content with the rows a new page brings.
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    if (box.firstElementChild) observer.observe(box.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div className={`scroll-region${overflows ? ' scroll-region-overflows' : ''}`}>
      <div ref={ref} className="table-wrap" role={overflows ? 'region' : undefined} aria-label={overflows ? label : undefined} tabIndex={overflows ? 0 : undefined}>
        {children}
      </div>
      {overflows && (
        <p className="scroll-cue" aria-hidden="true">
          Scroll sideways for more columns →
        </p>
      )}
    </div>
  );
}
