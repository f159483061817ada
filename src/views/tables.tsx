/** Shared widgets of lists: a captioned table and a description-list row. */
import type { ComponentChildren } from 'preact';

/** A table with its caption (read by screen readers only when `hiddenCaption`) and column headers. */
export function DataTable(props: { caption: string; hiddenCaption?: boolean; headers: string[]; children: ComponentChildren }) {
  return (
    <div class="table-scroll">
      <table>
        <caption class={props.hiddenCaption ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.headers.map((header) => (
              <th scope="col">{header}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** One term and its description in a `<dl class="summary-list">`. */
export function SummaryRow({ label, children }: { label: ComponentChildren; children: ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
