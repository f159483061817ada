/** Reading what the application queued in the outbox, as a user would read their inbox. */
import type { Db } from '../src/db/database.js';

export async function messagesTo(db: Db, recipient: string) {
  return db.selectFrom('outbox_messages').selectAll().where('recipient', '=', recipient).orderBy('id').execute();
}

/** The 6-digit code of the latest message to this recipient. */
export async function latestCode(db: Db, recipient: string): Promise<string> {
  const messages = await messagesTo(db, recipient);
  const last = messages.at(-1);
  const code = last ? /\b(\d{6})\b/.exec(last.text_body)?.[1] : undefined;
  if (!code) throw new Error(`aucun code envoyé à ${recipient}`);
  return code;
}

/** The link (path and query) of the latest message to this recipient. */
export async function latestLink(db: Db, recipient: string): Promise<string> {
  const messages = await messagesTo(db, recipient);
  const href = /https?:\/\/[^\s]+/.exec(messages.at(-1)?.text_body ?? '')?.[0];
  if (!href) throw new Error(`aucun lien envoyé à ${recipient}`);
  const url = new URL(href);
  return `${url.pathname}${url.search}`;
}
