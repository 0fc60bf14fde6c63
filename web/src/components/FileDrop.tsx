import { useId, useState, type DragEvent } from 'react';
import { useCoarsePointer } from '../lib/coarsePointer';
import { ACCEPTED_FORMATS, checkImageFiles, type RejectedFile } from '../lib/imageBytes';
import './fileDrop.css';

/**
 * A drop zone that is also a labelled file input (keyboard and screen readers use the input); on a touch
 * screen it is only the "Choose" button, since there is nothing to drag. Every file's first bytes are
 * checked before `onFiles`: files that are not an accepted image never leave the browser. They are listed
 * here with their reason, or handed to `onFiles` as `rejected` when the page shows them itself
 * (`showRejected={false}`; then `onFiles` is called even when no file was accepted).
 */
export function FileDrop({
  multiple,
  onFiles,
  label,
  disabled,
  showRejected = true,
}: {
  multiple: boolean;
  onFiles: (accepted: File[], rejected: RejectedFile[]) => void;
  label: string;
  disabled?: boolean;
  showRejected?: boolean;
}) {
  const [over, setOver] = useState(false);
  const [rejected, setRejected] = useState<RejectedFile[]>([]);
  const touch = useCoarsePointer();
  const id = useId();
  const take = async (files: File[]) => {
    const checked = await checkImageFiles(multiple ? files : files.slice(0, 1));
    setRejected(showRejected ? checked.rejected : []);
    if (checked.accepted.length > 0 || !showRejected) onFiles(checked.accepted, checked.rejected);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0 && !disabled) void take(files);
  };
  const dragHandlers = touch
    ? {}
    : {
        onDragOver: (event: DragEvent<HTMLDivElement>) => {
          event.preventDefault();
          setOver(true);
        },
        onDragLeave: () => setOver(false),
        onDrop,
      };
  return (
    <div className={`drop${over ? ' drop-over' : ''}${touch ? ' drop-touch' : ''}`} data-testid="drop-zone" {...dragHandlers}>
      {!touch && <p>Drop {multiple ? 'photos' : 'a photo'} here, or</p>}
      <label htmlFor={id} className="button-like">
        {label}
      </label>
      <input
        id={id}
        className="visually-hidden-input"
        type="file"
        accept="image/jpeg,image/png,image/gif,image/webp"
        multiple={multiple}
        disabled={disabled}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = '';
          if (files.length > 0) void take(files);
        }}
      />
      <p className="muted">{ACCEPTED_FORMATS}; checked here before anything is sent.</p>
      {rejected.length > 0 && (
        <ul className="drop-rejected" role="alert">
          {rejected.map(({ file, reason }, i) => (
            <li key={i}>
              <strong>{file.name}</strong>: {reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
