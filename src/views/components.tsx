/** Shared page pieces. */
import type { ComponentChildren } from 'preact';
import { formatDateTime } from '../platform/clock.js';

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
/** A form's errors, field by field (field name → French message). */
export type FieldErrors = Record<string, string>;

/** The form errors as the summary lists them: a general message first (unless a field says it already), then the fields. */
export function summaryOf(errors: FieldErrors, general?: string): { field?: string; message: string }[] {
  const list = Object.entries(errors).map(([field, message]) => ({ field, message }));
  return general && !list.some((e) => e.message === general) ? [{ message: general }, ...list] : list;
}

export function ErrorSummary({ errors }: { errors: { field?: string; message: string }[] }) {
  if (errors.length === 0) return null;
  // The count is the fields to correct; a general line ("Le formulaire contient des erreurs.") is not one more problem.
  const fields = errors.filter((e) => e.field).length;
  const count = fields > 0 ? fields : errors.length;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title" class="error-summary__title">
        {count === 1 ? 'Il y a un problème' : `Il y a ${count} problèmes`}
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

/** The ids an input names in aria-describedby: its hint and its error, when shown. */
export function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
}

/**
 * The frame of every form control: label, hint, and the error in French at the field (announced
 * with "Erreur :" to screen readers). The control itself is the child, with `describedBy(...)`.
 */
export function FieldFrame(props: { id: string; label: string; hint?: string | undefined; error?: string | undefined; children: ComponentChildren }) {
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
      {props.children}
    </div>
  );
}

/** A labelled input with its hint and error bound by aria-describedby. */
export function Field(props: FieldProps) {
  return (
    <FieldFrame id={props.id} label={props.label} hint={props.hint} error={props.error}>
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
        aria-describedby={describedBy(props.id, props.hint, props.error)}
        class="field__input"
      />
    </FieldFrame>
  );
}

/**
 * A password chosen and typed twice (R07's rule as the hint), as every page that sets one asks it:
 * "Mot de passe" at an account's creation, "Nouveau mot de passe" when it replaces another.
 */
export function NewPasswordFields(props: { label: 'Mot de passe' | 'Nouveau mot de passe'; hint: string; errors: Record<string, string | undefined>; autofocus?: boolean }) {
  return (
    <>
      <Field id="password" label={props.label} type="password" hint={props.hint} error={props.errors.password} autocomplete="new-password" required maxLength={128} autofocus={props.autofocus} />
      <Field id="confirmation" label={`Confirmez le ${props.label.toLowerCase()}`} type="password" error={props.errors.confirmation} autocomplete="new-password" required maxLength={128} />
    </>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** The 6-digit one-time code input (login R04, mobile verification R41). */
export function CodeField({ label, error }: { label: string; error?: string | undefined }) {
  return (
    <FieldFrame id="code" label={label} hint="6 chiffres" error={error}>
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
        aria-describedby={describedBy('code', '6 chiffres', error)}
      />
    </FieldFrame>
  );
}

export interface HistoryLine {
  occurredAt: Date;
  description: string;
  actorLabel: string;
}

/** R24: an account's history — date and time in Paris, description, responsible — newest first. */
export function HistoryTable({ lines, caption }: { lines: HistoryLine[]; caption?: string }) {
  if (lines.length === 0) return <p>Aucun événement.</p>;
  return (
    <div class="table-scroll" role="region" aria-label="Historique, défilement horizontal" tabIndex={0}>
    <table>
      {caption ? <caption class="visually-hidden">{caption}</caption> : null}
      <thead>
        <tr>
          <th scope="col">Date et heure</th>
          <th scope="col">Description</th>
          <th scope="col">Responsable</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr>
            <td>{formatDateTime(line.occurredAt)}</td>
            <td>{line.description}</td>
            <td>{line.actorLabel}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
