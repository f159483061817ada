/**
 * The credentials of an account besides its password: the browsers it trusts (R05) and the card,
 * e-CPS and partner identities paired with it (R12, R13, R16). Auth owns their tables.
 */
import type { Deps } from '../../deps.js';
import * as repo from './auth.repository.js';

/**
 * R12, R13, R16: pairs a verified external identity (card, e-CPS, partner) with the account, in the
 * caller's transaction; from then on it opens a strong session by itself. A reset unpairs them.
 */
export async function pairIdentityIn(db: Deps['db'], identity: { kind: string; subject: string; accountId: number; now: Date }): Promise<void> {
  await repo.insertIdentity(db, identity);
}

/** A paired identity logged in: when it last did. */
export async function touchIdentity(db: Deps['db'], kind: string, subject: string, now: Date): Promise<void> {
  await repo.touchIdentity(db, kind, subject, now);
}

/** The browsers this account trusts (R05), with their hashes. */
export async function listTrustedBrowsersWithHash(deps: Deps, accountId: number) {
  return repo.listTrustedBrowsersWithHash(deps.db, accountId, deps.clock.now());
}

/** One browser of the account loses its trust (R05); false when it had none. */
export async function revokeTrustedBrowser(db: Deps['db'], accountId: number, browserHash: Buffer, now: Date): Promise<boolean> {
  return repo.revokeTrustedBrowser(db, accountId, browserHash, now);
}

/** Every browser of the account loses its trust but `keep` (this one) when given; returns how many. */
export async function revokeTrustedBrowsers(db: Deps['db'], accountId: number, now: Date, keep: Buffer | null = null): Promise<number> {
  return repo.revokeTrustedBrowsers(db, accountId, now, keep);
}
