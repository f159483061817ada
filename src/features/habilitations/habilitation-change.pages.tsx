/** R35: the prolongation shortcuts of a habilitation, as the account page and the review show them. Pure functions of props. */
import { CsrfField } from '../../views/components.js';
import { formatDate } from '../../platform/clock.js';
import type { ProlongationShortcuts } from './habilitation-change.rules.js';

export function ProlongationButtons(props: {
  shortcuts: ProlongationShortcuts;
  action: string;
  /** The name of the end-date field the action reads ('fin' on the account page, 'endDate' in the review). */
  field: string;
  hidden?: Record<string, string>;
  /** Whose habilitation, for screen readers: "Référent structure de Camille TEST". */
  what: string;
  csrfToken: string;
}) {
  return (
    <>
      {props.shortcuts.offered.map((s) => (
        <form method="post" action={props.action} class="inline-form">
          <CsrfField token={props.csrfToken} />
          {Object.entries(props.hidden ?? {}).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <input type="hidden" name={props.field} value={s.end} />
          <button type="submit" class="button button--small" aria-label={`Prolonger ${props.what} jusqu’au ${formatDate(s.end)} (${s.label})`}>
            {s.label} → {formatDate(s.end)}
          </button>
        </form>
      ))}
      {props.shortcuts.fiveYearsAbsent ? <p class="muted prolongation-note">{props.shortcuts.fiveYearsAbsent}</p> : null}
    </>
  );
}
