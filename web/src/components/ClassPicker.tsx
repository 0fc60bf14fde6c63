import { useQuery } from '@apollo/client';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { ExplorerClassPickerDocument } from '../generated/graphql';
import { announce } from '../lib/announce';
import './ClassPicker.css';

/**
 * A combobox (WAI-ARIA pattern) that suggests Open Images classes as you type: the class named exactly
 * as typed first, then those containing the text. Only a listed class can be picked: Enter takes the
 * highlighted suggestion or the class named as typed (any case); other text gets an inline, announced
 * hint instead of becoming a search that can only fail. Arrow keys move, Escape closes.
 */
export function ClassPicker({ label, onPick, exclude = [] }: { label: string; onPick: (description: string) => void; exclude?: string[] }) {
  const [text, setText] = useState('');
  const [debounced, setDebounced] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [hint, setHint] = useState('');
  // Enter pressed before the suggestions for the typed text arrived: resolved when they do.
  const [pendingEnter, setPendingEnter] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);
  const { data, loading } = useQuery(ExplorerClassPickerDocument, { variables: { search: debounced }, skip: debounced === '' });
  const lower = exclude.map((e) => e.toLowerCase());
  const listed = data?.classes.edges.map((edge) => edge.node) ?? [];
  const suggestions = data?.exact ? [data.exact, ...listed.filter((node) => node.label !== data.exact?.label)] : listed;
  const options = debounced === '' ? [] : suggestions.filter((node) => !lower.includes(node.description.toLowerCase()));
  const expanded = open && options.length > 0;
  const settled = (typed: string) => typed !== '' && debounced === typed && !loading && !!data;

  const pick = (description: string) => {
    onPick(description);
    setText('');
    setDebounced('');
    setActive(-1);
    setOpen(false);
    setHint('');
  };

  /** Enter on typed text: the class of that name, or a hint saying why nothing was added. */
  const resolveTyped = (typed: string) => {
    const exact = data?.exact;
    if (exact && exact.description.toLowerCase() === typed.toLowerCase()) {
      if (lower.includes(exact.description.toLowerCase())) return say(`${exact.description} is already chosen.`);
      return pick(exact.description);
    }
    setOpen(true);
    say(`No class named “${typed}”; ${options.length > 0 ? 'pick one from the list' : 'try another name'}.`);
  };

  const say = (message: string) => {
    setHint(message);
    announce(message);
  };

  useEffect(() => {
    if (pendingEnter === null || !settled(pendingEnter)) return;
    if (pendingEnter === text.trim()) resolveTyped(pendingEnter);
    setPendingEnter(null);
  });

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, options.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const typed = text.trim();
      if (expanded && active >= 0) pick(options[active].description);
      else if (typed === '') return;
      else if (settled(typed)) resolveTyped(typed);
      else setPendingEnter(typed);
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  };

  return (
    <div className="combobox">
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded && active >= 0 ? `${id}-option-${active}` : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        aria-invalid={hint ? true : undefined}
        placeholder="Type a class, e.g. Cat"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
          setHint('');
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      {loading && debounced !== '' && (
        <span className="combobox-busy" role="status">
          Looking up classes…
        </span>
      )}
      <ul id={`${id}-list`} role="listbox" aria-label={`${label} suggestions`} className="combobox-list" hidden={!expanded}>
        {options.map((option, i) => (
          <li
            key={option.label}
            id={`${id}-option-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : undefined}
            onMouseDown={(event) => {
              event.preventDefault();
              pick(option.description);
            }}
          >
            {option.description} <span className="muted">{option.imageCount.toLocaleString('en-US')} images</span>
          </li>
        ))}
      </ul>
      {hint && (
        <p id={`${id}-hint`} className="field-hint field-hint-error">
          {hint}
        </p>
      )}
    </div>
  );
}
