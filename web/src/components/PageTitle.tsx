import { useEffect, useRef, type ReactNode } from 'react';

let firstPage = true;

/**
 * The page's h1; sets the document title and, after an in-app navigation, takes the focus so a
 * screen reader announces the new page and Tab continues from there.
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Open Images explorer`;
    if (firstPage) firstPage = false;
    else ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
