/**
 * The audit trail: every change to an account or a habilitation writes one event, inside the
 * transaction of the change (the caller passes it), so the change and its trace commit together.
 * The table refuses UPDATE, DELETE and TRUNCATE (trigger): history is append-only.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Who did it: an account (name and username are kept as they were at that time), or the system. */
export type Actor = { kind: 'account'; accountId: number; label: string } | { kind: 'system' };

export const SYSTEM_ACTOR: Actor = { kind: 'system' };
export const SYSTEM_LABEL = 'Système';

export interface AuditEvent {
  actor: Actor;
  code: string;
  description: string;
  subjectAccountId?: number | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  at?: Date;
}

/** "Prénom NOM (username)", the responsible as the history shows it. */
export function actorLabel(account: { first_name: string; last_name: string; username: string }): string {
  return `${account.first_name} ${account.last_name.toUpperCase()} (${account.username})`;
}

/** An account as the actor of an event: its id and its label as of now. */
export function accountActor(account: { id: number; first_name: string; last_name: string; username: string }): Actor {
  return { kind: 'account', accountId: account.id, label: actorLabel(account) };
}

export async function recordAudit(trx: Kysely<Database>, event: AuditEvent): Promise<void> {
  await auditInsert(trx, event).execute();
}

/** The INSERT of an event, unexecuted: for a caller that writes it in one statement with its change. */
export function auditInsert(db: Kysely<Database>, event: AuditEvent) {
  return db.insertInto('audit_events').values({
    actor_account_id: event.actor.kind === 'account' ? event.actor.accountId : null,
    actor_label: event.actor.kind === 'account' ? event.actor.label : SYSTEM_LABEL,
    subject_account_id: event.subjectAccountId ?? null,
    code: event.code,
    description: event.description,
    details: JSON.stringify(event.details ?? {}),
    ip: event.ip ?? null,
    ...(event.at ? { occurred_at: event.at } : {}),
  });
}

/**
 * Events that record a refusal, not a change (the decision API's denials, issue 17): written in one
 * statement, in a transaction that does not wait for the disk (`synchronous_commit = off`): a
 * crash may lose the last fraction of a second of them, never corrupt anything, and a flood of
 * denials does not cost a disk flush each. A change's event never goes through here.
 */
export async function recordRefusals(db: Kysely<Database>, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  // One statement, one round trip: set_config(…, true) holds for the statement's own implicit transaction.
  const rows = events.map(
    (event) =>
      sql`(${event.actor.kind === 'account' ? event.actor.accountId : null}::integer, ${event.actor.kind === 'account' ? event.actor.label : SYSTEM_LABEL}::text,
        ${event.subjectAccountId ?? null}::integer, ${event.code}::text, ${event.description}::text, ${JSON.stringify(event.details ?? {})}::jsonb, ${event.ip ?? null}::inet)`,
  );
  await sql`
    INSERT INTO audit_events (actor_account_id, actor_label, subject_account_id, code, description, details, ip)
    SELECT v.* FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed,
      (VALUES ${sql.join(rows)}) AS v(actor_account_id, actor_label, subject_account_id, code, description, details, ip)
  `.execute(db);
}
