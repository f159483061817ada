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
