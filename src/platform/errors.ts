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

type Fields = Record<string, string>;

/**
 * One error of a catalogue. The message is French text, or a function of parameters when it
 * depends on the case (`errors.CODE_RESEND_TOO_SOON({ seconds: 40 })`). `code` replaces the key
 * as the error's code when two catalogues must answer with the same one.
 */
export interface ErrorDefinition {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parameters' type is each definition's own
  message: string | ((params: any) => string);
  code?: string;
}

/** What the catalogue's entry for one definition is: a factory, and `at(field)` for the same error shown at a form field. */
export type ErrorFactory<D extends ErrorDefinition> = D['message'] extends (params: infer P) => string
  ? ((params: P, fields?: Fields) => DomainError) & { at: (field: string, params: P) => DomainError }
  : ((fields?: Fields) => DomainError) & { at: (field: string) => DomainError };

/**
 * Builds a feature's error catalogue: `errors.NOT_FOUND()` returns a DomainError with that code;
 * `errors.EMAIL_TAKEN.at('email')` the same error with its message at the field `email`.
 */
export function defineErrors<T extends Record<string, ErrorDefinition>>(definitions: T): { [K in keyof T]: ErrorFactory<T[K]> } & { definitions: T } {
  const factories = Object.fromEntries(
    Object.entries(definitions).map(([key, def]) => {
      const code = def.code ?? key;
      const text = (params: unknown) => (typeof def.message === 'function' ? def.message(params) : def.message);
      const factory =
        typeof def.message === 'function'
          ? (params: unknown, fields?: Fields) => new DomainError(code, text(params), def.status, fields)
          : (fields?: Fields) => new DomainError(code, text(undefined), def.status, fields);
      const at = (field: string, params?: unknown) => {
        const message = text(params);
        return new DomainError(code, message, def.status, { [field]: message });
      };
      return [key, Object.assign(factory, { at })];
    }),
  );
  return Object.assign(factories, { definitions }) as never;
}

/** The PostgreSQL errors a constraint raises: unique, exclusion, check and foreign-key violations. */
const CONSTRAINT_VIOLATIONS = new Set(['23505', '23P01', '23514', '23503']);

/**
 * Translates a database constraint violation into the feature's error, by the constraint's name
 * (23505 on `accounts_active_email_key` → `ACCOUNT_EMAIL_ALREADY_EXISTS`…): the database has the
 * last word under races, and the user still reads a French message. Anything else comes back as is.
 * Use: `catch (error) { throw translateConstraint(error, { accounts_active_email_key: () => errors.X() }) }`.
 */
export function translateConstraint(error: unknown, byConstraint: Record<string, () => DomainError>): unknown {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (typeof code !== 'string' || !CONSTRAINT_VIOLATIONS.has(code) || typeof constraint !== 'string') return error;
  return Object.hasOwn(byConstraint, constraint) ? byConstraint[constraint]!() : error;
}
