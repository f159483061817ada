/** Shared page pieces. */
import type { ComponentChildren } from 'preact';

export function Alert({ kind, title, children }: { kind: 'info' | 'success' | 'warning' | 'error'; title?: string; children: ComponentChildren }) {
  // Errors are announced at once to screen readers; other notices politely.
  const role = kind === 'error' ? 'alert' : 'status';
  return (
    <div class={`alert alert--${kind}`} role={role}>
      {title ? <p class="alert__title">{title}</p> : null}
      <div>{children}</div>
    </div>
  );
}

/** Errors of a form, listed at its top and linked to their fields (announced at once). */
export function ErrorSummary({ errors }: { errors: { field?: string; message: string }[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title" class="error-summary__title">
        {errors.length === 1 ? 'Il y a un problème' : `Il y a ${errors.length} problèmes`}
      </h2>
      <ul>
        {errors.map((error) => (
          <li>{error.field ? <a href={`#${error.field}`}>{error.message}</a> : error.message}</li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  id: string;
  name?: string;
  label: string;
  type?: string;
  value?: string;
  hint?: string;
  error?: string;
  autocomplete?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
  maxLength?: number;
  pattern?: string;
  autofocus?: boolean;
}

/** A labelled input with its hint and error bound by aria-describedby. */
export function Field(props: FieldProps) {
  const describedBy = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={props.id} class="field__label">
        {props.label}
      </label>
      {props.hint ? (
        <p id={`${props.id}-hint`} class="field__hint">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} class="field__error">
          <span class="visually-hidden">Erreur : </span>
          {props.error}
        </p>
      ) : null}
      <input
        id={props.id}
        name={props.name ?? props.id}
        type={props.type ?? 'text'}
        value={props.value}
        autocomplete={props.autocomplete}
        required={props.required}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        pattern={props.pattern}
        autofocus={props.autofocus}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
        class="field__input"
      />
    </div>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** The 6-digit one-time code input (login R04, mobile verification R41). */
export function CodeField({ label, error }: { label: string; error?: string | undefined }) {
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for="code" class="field__label">
        {label}
      </label>
      <p id="code-hint" class="field__hint">
        6 chiffres
      </p>
      {error ? (
        <p id="code-error" class="field__error">
          <span class="visually-hidden">Erreur : </span>
          {error}
        </p>
      ) : null}
      <input
        id="code"
        name="code"
        class="field__input field__input--code"
        inputMode="numeric"
        autocomplete="one-time-code"
        maxLength={6}
        pattern="[0-9]{6}"
        required
        autofocus
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'code-hint code-error' : 'code-hint'}
      />
    </div>
  );
}
