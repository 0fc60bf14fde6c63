import { useId, useState, type DragEvent } from 'react';

/** A drop zone that is also a labelled file input (keyboard and screen readers use the input). */
export function FileDrop({ multiple, onFiles, label, disabled }: { multiple: boolean; onFiles: (files: File[]) => void; label: string; disabled?: boolean }) {
  const [over, setOver] = useState(false);
  const id = useId();
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0 && !disabled) onFiles(multiple ? files : files.slice(0, 1));
  };
  return (
    <div
      className={`drop${over ? ' drop-over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p>Drop {multiple ? 'photos' : 'a photo'} here, or</p>
      <label htmlFor={id} className="button-like">
        {label}
      </label>
      <input
        id={id}
        className="visually-hidden-input"
        type="file"
        accept="image/*"
        multiple={multiple}
        disabled={disabled}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
      <p className="muted">JPEG, PNG, WebP or GIF.</p>
    </div>
  );
}
