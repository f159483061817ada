/**
 * The audit trail: every change to an account or a habilitation writes one event, inside the
 * transaction of the change (the caller passes it), so the change and its trace commit together.
 * The table refuses UPDATE, DELETE and TRUNCATE (trigger): history is append-only.
 */
import type { Kysely } from 'kysely';
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
