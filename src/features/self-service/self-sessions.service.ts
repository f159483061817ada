/** R41, R05: the person's sessions and trusted browsers: end one, end all the others, withdraw a browser's trust. */
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit } from '../../platform/audit/audit.js';
import { revokeTrustedBrowser, revokeTrustedBrowsers } from '../auth/credentials.service.js';
import { endOneSessionOfAccount, endSessionsOfAccount } from '../auth/session.service.js';
import { selfServiceErrors as errors } from './self-service.errors.js';
import { liveSessions, loadAccount, trustedBrowsers, type SelfContext } from './self-service.service.js';

/** "Terminer": ends one of my other sessions; its next request finds no session. */
export async function endOwnSession(deps: Deps, ctx: SelfContext, ref: string | null): Promise<void> {
  const match = ref === null ? undefined : (await liveSessions(deps, ctx)).find((s) => s.view.ref === ref);
  if (!match) throw errors.SESSION_NOT_FOUND();
  if (match.view.current) throw errors.SESSION_IS_CURRENT();
  const account = await loadAccount(deps.db, ctx.accountId);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await endOneSessionOfAccount(trx, account.id, match.row.id_hash))) throw errors.SESSION_NOT_FOUND();
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'SESSION_ENDED',
      description: `Fin d’une session (${match.view.device}${match.view.ip ? `, ${match.view.ip}` : ''}) depuis « Mon compte »`,
      ip: ctx.ip,
    });
  });
}

/**
 * "Terminer toutes les autres": every other session of mine ends, and every other browser loses
 * its trust, so a forgotten or stolen device needs the password and a new code.
 */
export async function endOtherSessions(deps: Deps, ctx: SelfContext): Promise<{ sessions: number; browsers: number }> {
  const account = await loadAccount(deps.db, ctx.accountId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const sessions = await endSessionsOfAccount(trx, account.id, ctx.sessionIdHash);
    const browsers = await revokeTrustedBrowsers(trx, account.id, now, ctx.browserHash);
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'SESSION_ENDED',
      description: `Fin de toutes les autres sessions (${sessions}) et retrait de la confiance aux autres navigateurs (${browsers})`,
      details: { sessions, browsers },
      ip: ctx.ip,
    });
    return { sessions, browsers };
  });
}

/** One trusted browser of mine loses its trust (R05): the code is asked there at the next login. */
export async function revokeOwnTrustedBrowser(deps: Deps, ctx: SelfContext, ref: string | null): Promise<void> {
  const match = ref === null ? undefined : (await trustedBrowsers(deps, ctx)).find((b) => b.view.ref === ref);
  if (!match) throw errors.BROWSER_NOT_FOUND();
  const account = await loadAccount(deps.db, ctx.accountId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await revokeTrustedBrowser(trx, account.id, match.row.browser_hash, now))) throw errors.BROWSER_NOT_FOUND();
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'TRUSTED_BROWSER_REVOKED',
      description: match.view.current ? 'Retrait de la confiance à ce navigateur' : 'Retrait de la confiance à un navigateur',
      ip: ctx.ip,
    });
  });
}
