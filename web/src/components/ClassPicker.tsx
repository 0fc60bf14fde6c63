import { useQuery } from '@apollo/client';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { ExplorerClassSuggestionsDocument } from '../generated/graphql';

/**
 * A combobox (WAI-ARIA pattern) that suggests Open Images classes from `classes(search:)` as you type.
 * Arrow keys move through the suggestions, Enter picks one (or the typed text), Escape closes.
 */
export function ClassPicker({ label, onPick, exclude = [] }: { label: string; onPick: (description: string) => void; exclude?: string[] }) {
  const [text, setText] = useState('');
  const [debounced, setDebounced] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const id = useId();
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);
  const { data, loading } = useQuery(ExplorerClassSuggestionsDocument, { variables: { search: debounced }, skip: debounced === '' });
  const lower = exclude.map((e) => e.toLowerCase());
  const options = debounced === '' ? [] : (data?.classes.edges.map((edge) => edge.node) ?? []).filter((node) => !lower.includes(node.description.toLowerCase()));
  const expanded = open && options.length > 0;

  const pick = (description: string) => {
    if (!description) return;
    onPick(description);
    setText('');
    setDebounced('');
    setActive(-1);
    setOpen(false);
  };

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
      pick(expanded && active >= 0 ? options[active].description : (options.find((o) => o.description.toLowerCase() === text.trim().toLowerCase())?.description ?? text.trim()));
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
        placeholder="Type a class, e.g. Cat"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
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
    </div>
  );
}
