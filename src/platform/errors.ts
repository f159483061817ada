/**
 * Domain errors: a stable UPPER_SNAKE code, a French message for the user, an HTTP status the
 * error handler applies, and optional per-field messages. Domain code throws these, never HTTP errors.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export interface ErrorDefinition {
  status: number;
  message: string;
}

/** Builds a feature's error catalogue: `errors.NOT_FOUND()` returns a DomainError with that code. */
export function defineErrors<T extends Record<string, ErrorDefinition>>(
  definitions: T,
): { [K in keyof T]: (fields?: Record<string, string>) => DomainError } & { definitions: T } {
  const factories = Object.fromEntries(
    Object.entries(definitions).map(([code, def]) => [code, (fields?: Record<string, string>) => new DomainError(code, def.message, def.status, fields)]),
  );
  return Object.assign(factories, { definitions }) as never;
}
