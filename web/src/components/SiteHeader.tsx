import { useEffect, useRef, useState } from 'react';
import { onOpenSignIn } from '../lib/auth';
import { Link, useLocation } from '../lib/router';
import { OpenInGraphiQL } from './OpenInGraphiQL';
import { SignIn } from './SignIn';

const MENU_ID = 'site-menu';

/**
 * The shell's header. Wide screens show every page, the playground link and sign-in in one bar; narrow
 * ones (styles.css, max-width 900px) keep one row, the brand and a "Menu" disclosure button, and the
 * same links open below it. The menu closes on navigation, Escape (focus back on the button) and a
 * press outside; asking to sign in from anywhere opens it, since the sign-in form lives inside.
 */
export function SiteHeader({ pages, current }: { pages: { path: string; name: string }[]; current?: { path: string; name: string } }) {
  const [open, setOpen] = useState(false);
  const header = useRef<HTMLElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const { path } = useLocation();

  useEffect(() => setOpen(false), [path]);
  useEffect(() => onOpenSignIn(() => setOpen(true)), []);
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event: KeyboardEvent) => {
      // A control inside that handles Escape itself (the sign-in field) prevents the default.
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      setOpen(false);
      if (header.current?.contains(document.activeElement)) button.current?.focus();
    };
    const onPress = (event: PointerEvent) => {
      if (!header.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPress);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPress);
    };
  }, [open]);

  return (
    <header className="top" ref={header}>
      <Link href="/" className="brand">
        Open Images explorer
      </Link>
      <button ref={button} type="button" className="menu-button" aria-expanded={open} aria-controls={MENU_ID} onClick={() => setOpen(!open)}>
        <span className="menu-icon" aria-hidden="true" />
        Menu
        {current && <span className="menu-current">: {current.name}</span>}
      </button>
      <div id={MENU_ID} className={`site-menu${open ? ' site-menu-open' : ''}`}>
        <nav aria-label="Pages">
          <ul>
            {pages.map((page) => (
              <li key={page.path}>
                <Link href={page.path} aria-current={page === current ? 'page' : undefined}>
                  {page.name}
                </Link>
              </li>
            ))}
            <li>
              <OpenInGraphiQL />
            </li>
          </ul>
        </nav>
        <SignIn />
      </div>
    </header>
  );
}
