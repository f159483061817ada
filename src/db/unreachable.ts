/**
 * Connection-level failures of PostgreSQL, as opposed to errors of a statement: refused or cut
 * connection, server shutting down or starting (57P0x), connection failure (08xxx). An outage, not a
 * bug: pages answer 503 (http/error-handler.ts), and the next request reconnects (the pool opens new
 * connections, pg-boss retries).
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03']);

export function isDatabaseUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(String(message ?? ''));
}
