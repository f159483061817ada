/** Shared form controls beside components.tsx: a labelled select, a text area, the main button. */
import { describedBy, FieldFrame } from './components.js';

/** The main button of a form. */
export function Submit({ label }: { label: string }) {
  return (
    <div class="form-actions">
      <button type="submit" class="button">
        {label}
      </button>
    </div>
  );
}

/** A select with its label; the first option (`all`) is the empty value. */
export function Select(props: { id: string; label: string; value: string; all: string; options: { value: string; label: string }[] }) {
  return (
    <div class="field">
      <label for={props.id} class="field__label">
        {props.label}
      </label>
      <select id={props.id} name={props.id} class="field__input">
        <option value="">{props.all}</option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A text area with its label, hint and error, at most `maxLength` characters. */
export function TextArea(props: { id: string; label: string; value: string; hint: string; error?: string | undefined; maxLength?: number }) {
  return (
    <FieldFrame id={props.id} label={props.label} hint={props.hint} error={props.error}>
      <textarea
        id={props.id}
        name={props.id}
        rows={6}
        maxLength={props.maxLength ?? 4000}
        class="field__input field__textarea"
        aria-describedby={describedBy(props.id, props.hint, props.error)}
        aria-invalid={props.error ? 'true' : undefined}
      >
        {props.value}
      </textarea>
    </FieldFrame>
  );
}
