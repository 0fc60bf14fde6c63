import { forwardRef } from 'react';

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const MODEL_ID_RULE = 'Letters, digits, “.”, “_” and “-”, starting with a letter or a digit; at most 100 characters.';

/** Why `id` cannot be a model id (in words a person can act on), or null when it can. */
export function modelIdProblem(id: string): string | null {
  if (id === '') return 'Give the model an id.';
  if (MODEL_ID.test(id)) return null;
  if (id.length > 100) return `At most 100 characters: this one has ${id.length}.`;
  const bad = [...new Set(id.replace(/[A-Za-z0-9._-]/g, ''))];
  if (bad.length > 0) return `Not allowed: ${bad.map((c) => (c === ' ' ? 'spaces' : `“${c}”`)).join(', ')}. Use letters, digits, “.”, “_” or “-”.`;
  return 'Start with a letter or a digit.';
}

/** An existing model of that id, as the `models` query lists it. */
export interface ExistingModel {
  id: string;
  trained: boolean;
  mayChange: boolean;
}

/**
 * The model id with its rule always shown and its problem inline (aria-invalid, described by both, in a
 * polite live region so it is announced). An id already taken asks for an explicit confirmation when
 * the caller may replace that model, and is refused here when they may not.
 */
export const ModelIdField = forwardRef<
  HTMLInputElement,
  {
    value: string;
    /** The problem to show (null: none, or not yet: shown once typed or after a submit). */
    problem: string | null;
    existing?: ExistingModel;
    replace: boolean;
    onChange: (value: string) => void;
    onReplace: (replace: boolean) => void;
    replaceRef: React.Ref<HTMLInputElement>;
  }
>(function ModelIdField({ value, problem, existing, replace, onChange, onReplace, replaceRef }, ref) {
  return (
    <div className="field model-id-field">
      <label htmlFor="train-model">Model id</label>
      <input
        ref={ref}
        id="train-model"
        placeholder="e.g. flowers"
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby="train-model-rule train-model-problem"
        onChange={(event) => onChange(event.target.value)}
      />
      <span id="train-model-rule" className="field-hint">
        {MODEL_ID_RULE}
      </span>
      <span id="train-model-problem" className="field-problem" aria-live="polite">
        {problem}
      </span>
      {existing?.mayChange && (
        <div className="confirm model-replace">
          <p>
            You already have a model <strong>{existing.id}</strong>. Training with this id replaces it once the job succeeds (until then it is still served).
          </p>
          <label className="checkbox">
            <input ref={replaceRef} id="train-replace" type="checkbox" checked={replace} onChange={(event) => onReplace(event.target.checked)} />
            Replace my model “{existing.id}”
          </label>
        </div>
      )}
    </div>
  );
});

/** What stops training under `id` because of an existing model, or null. */
export function existingModelProblem(existing: ExistingModel | undefined, replace: boolean): string | null {
  if (!existing) return null;
  if (!existing.mayChange) {
    return existing.trained
      ? `“${existing.id}” is taken by a model someone else trained: choose another id.`
      : `“${existing.id}” is taken by a model this gateway did not train (it is never replaced): choose another id.`;
  }
  return replace ? null : `Tick “Replace my model “${existing.id}”” to replace it, or choose another id.`;
}
