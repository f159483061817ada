/**
 * Use cases of card and e-CPS login (R12, R13). An external identity opens a strong session by
 * itself only once it is paired with an account, and pairing needs that account's correct password
 * (the same check as the login form, so a blocked account cannot pair). Every pairing and every
 * login writes its audit event.
 */
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { buildMail } from '../../views/mail.js';
import type { Deps } from '../../deps.js';
import { actorLabel, recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { randomToken, safeEqual, sha256 } from '../../platform/crypto.js';
import type { PendingStep } from '../auth/auth.rules.js';
import { authErrors } from '../auth/auth.errors.js';
import { checkPassword, pendingStepFor } from '../auth/auth.service.js';
import { pairIdentityIn, touchIdentity } from '../auth/credentials.service.js';
import { recordRpps } from '../accounts/account.repository.js';
import { translateConstraint } from '../../platform/errors.js';
import { cardErrors, cardLoginErrors, partnerErrors } from './card-login.errors.js';
import type { CertificateSource } from './card-login.certificate.js';
import { verifyCardCertificate } from './card-login.certificate.js';
import * as repo from './card-login.repository.js';
import { hitLimit, type Limit } from '../../platform/rate-limit.js';
import { acrMeetsLevel, amrClaim, amrOfKeptIdToken, claimText, FLOW_TTL_MS, isStrongPartnerAuthentication, parseNationalId, practicePlaces } from './card-login.rules.js';
import type { PartnerConfig } from '../../config.js';
import * as psc from './psc.oidc.js';

export type IdentityKind = 'psc' | 'cps' | `partner:${string}`;

/** The method recorded in LOGIN_SUCCEEDED's details, counted by the Observatoire (R70). */
function loginMethodOf(kind: IdentityKind): 'psc' | 'cps' | 'partner' {
  return kind === 'psc' || kind === 'cps' ? kind : 'partner';
}

function kindLabel(kind: IdentityKind): string {
  if (kind === 'psc') return 'e-CPS (Pro Santé Connect)';
  if (kind === 'cps') return 'carte CPS';
  return `site partenaire ${kind.slice('partner:'.length)}`;
}

/**
 * Each start writes a row: one address may start 60 external logins in 5 minutes (a hospital's
 * staff may share one public address), enough for people, not for filling the table.
 */
const IP_FLOW_STARTS: Limit = { window: 5 * 60, max: 60 };

async function limitFlowStarts(deps: Deps, ip: string): Promise<void> {
  if (!(await hitLimit(deps.db, `external-login-ip:${ip}`, IP_FLOW_STARTS, deps.clock.now())).allowed) throw authErrors.TOO_MANY_ATTEMPTS();
}

/** Flows are worthless after their deadline; those that opened a session are kept while it may live (logout hint). */
async function purgeFlows(deps: Deps, now: Date): Promise<void> {
  await repo.deleteExpiredFlows(deps.db, new Date(now.getTime() - 3_600_000), new Date(now.getTime() - (deps.config.sessionAbsoluteHours + 1) * 3_600_000));
}

function pscConfig(deps: Deps) {
  if (!deps.config.psc) throw cardLoginErrors.PSC_UNAVAILABLE();
  return deps.config.psc;
}

export function pscRedirectUri(deps: Deps): string {
  return new URL('/connexion/psc/retour', deps.config.baseUrl).toString();
}

/**
 * Starts an e-CPS login: state, nonce and PKCE verifier are kept server-side under the hash of a
 * random flow id that only this browser holds (cookie). Returns that id and the provider's URL.
 */
export async function startPscLogin(deps: Deps, input: { returnPath: string; ip: string }): Promise<{ flowToken: string; url: string }> {
  const config = pscConfig(deps);
  await limitFlowStarts(deps, input.ip);
  let configuration;
  try {
    configuration = await psc.pscConfiguration(config);
  } catch (error) {
    deps.logger.warn({ err: error }, 'découverte Pro Santé Connect impossible');
    throw cardLoginErrors.PSC_UNAVAILABLE();
  }
  const now = deps.clock.now();
  const flowToken = randomToken();
  const state = psc.randomState();
  const nonce = psc.randomNonce();
  const codeVerifier = psc.randomPkceVerifier();
  await repo.insertFlow(deps.db, {
    flowHash: sha256(flowToken),
    kind: 'psc',
    state,
    nonce,
    codeVerifier,
    returnPath: input.returnPath,
    now,
    expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
  });
  await purgeFlows(deps, now);
  const url = psc.authorizationUrl(configuration, {
    redirect_uri: pscRedirectUri(deps),
    scope: config.scope,
    acr_values: config.acr,
    state,
    nonce,
    code_challenge: await psc.pkceChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { flowToken, url: url.toString() };
}

export type ExternalLoginResult =
  | { kind: 'logged_in'; accountId: number; pendingStep: PendingStep | null; returnPath: string; amr?: string[] }
  | { kind: 'pairing_required' };

/**
 * The provider's answer (R13). The flow is consumed before anything is checked, so a state, a nonce
 * or a code serves once, right or wrong. Any mismatch gives the same refusal.
 */
export async function finishPscLogin(deps: Deps, input: { flowToken: string | undefined; currentUrl: URL; ip: string }): Promise<ExternalLoginResult> {
  const config = pscConfig(deps);
  const now = deps.clock.now();
  if (!input.flowToken || input.flowToken.length > 100) throw cardLoginErrors.PSC_REFUSED();
  const flowHash = sha256(input.flowToken);
  const flow = await repo.consumeFlowCallback(deps.db, flowHash, 'psc', now);
  if (!flow || !flow.state || !flow.nonce || !flow.code_verifier) throw cardLoginErrors.PSC_REFUSED();
  // The state is compared here too, in constant time, before the code goes to the provider.
  const sentState = input.currentUrl.searchParams.get('state') ?? '';
  if (!safeEqual(sentState, flow.state)) {
    await refusal(deps, input.ip, 'état (state) invalide');
    throw cardLoginErrors.PSC_REFUSED();
  }
  let answer: psc.PscAnswer;
  try {
    answer = await psc.exchangeCode(await psc.pscConfiguration(config), input.currentUrl, { state: flow.state, nonce: flow.nonce, codeVerifier: flow.code_verifier });
  } catch (error) {
    deps.logger.warn({ err: error }, 'réponse Pro Santé Connect refusée');
    await refusal(deps, input.ip, 'réponse du fournisseur invalide');
    throw cardLoginErrors.PSC_REFUSED();
  }
  if (!acrMeetsLevel(answer.claims.acr, config.acr)) {
    await refusal(deps, input.ip, `niveau d’authentification insuffisant (${String(answer.claims.acr ?? 'absent').slice(0, 20)})`);
    throw cardLoginErrors.PSC_LEVEL_TOO_LOW();
  }
  // PSC sends the national identifier in the userinfo; an ID token carrying it is accepted too.
  const nationalId = parseNationalId(answer.userinfo.SubjectNameID ?? answer.claims.SubjectNameID);
  if (!nationalId) throw cardLoginErrors.IDENTITY_INVALID();
  await repo.recordFlowIdentity(deps.db, flowHash, {
    subject: nationalId.value,
    givenName: claimText(answer.userinfo.given_name ?? answer.claims.given_name),
    familyName: claimText(answer.userinfo.family_name ?? answer.claims.family_name),
    idToken: answer.idToken,
    expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
    practicePlaces: practicePlaces(answer.userinfo.SubjectRefPro ?? answer.claims.SubjectRefPro),
  });
  const result = await loginWithVerifiedIdentity(deps, { flowHash, kind: 'psc', subject: nationalId.value, returnPath: flow.return_path, ip: input.ip });
  // R17: the session states the amr Pro Santé Connect gave, as Habilis's own ID tokens then do.
  return result.kind === 'logged_in' ? { ...result, amr: amrClaim(answer.claims.amr) } : result;
}

async function refusal(deps: Deps, ip: string, why: string): Promise<void> {
  await recordAudit(deps.db, { actor: SYSTEM_ACTOR, code: 'LOGIN_FAILED', description: `Échec de connexion par e-CPS : ${why}`, ip });
}

/** A verified identity: the paired account logs in strongly; an unknown identity must be paired first. */
async function loginWithVerifiedIdentity(
  deps: Deps,
  input: { flowHash: Buffer; kind: IdentityKind; subject: string; returnPath: string; ip: string },
): Promise<ExternalLoginResult> {
  const now = deps.clock.now();
  const account = await repo.getAccountByIdentity(deps.db, input.kind, input.subject);
  if (!account) return { kind: 'pairing_required' };
  if (account.blocked_at || account.deactivated_at) {
    await recordAudit(deps.db, {
      actor: SYSTEM_ACTOR,
      subjectAccountId: account.id,
      code: 'LOGIN_REFUSED',
      description: `Connexion par ${kindLabel(input.kind)} refusée : compte ${account.blocked_at ? 'bloqué' : 'désactivé'}`,
      ip: input.ip,
    });
    throw account.blocked_at ? authErrors.ACCOUNT_BLOCKED() : authErrors.ACCOUNT_DEACTIVATED();
  }
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.completeFlow(trx, input.flowHash, now))) throw cardLoginErrors.PSC_REFUSED();
    await touchIdentity(trx, input.kind, input.subject, now);
    await recordAudit(trx, {
      actor: { kind: 'account', accountId: account.id, label: actorLabel(account) },
      subjectAccountId: account.id,
      code: 'LOGIN_SUCCEEDED',
      description: `Connexion réussie (${kindLabel(input.kind)})`,
      details: { method: loginMethodOf(input.kind) },
      ip: input.ip,
    });
  });
  return { kind: 'logged_in', accountId: account.id, pendingStep: pendingStepFor(account, now, deps.config.passwordMaxAgeMonths), returnPath: input.returnPath };
}

/** The identity waiting to be paired with this browser's flow, for the pairing page. */
export async function pendingIdentity(deps: Deps, input: { flowToken: string | undefined; kind: IdentityKind }) {
  if (!input.flowToken || input.flowToken.length > 100) throw cardLoginErrors.PAIRING_EXPIRED();
  const flow = await repo.getVerifiedFlow(deps.db, sha256(input.flowToken), input.kind, deps.clock.now());
  if (!flow?.subject) throw cardLoginErrors.PAIRING_EXPIRED();
  const id = input.kind.startsWith('partner:') ? null : parseNationalId(flow.subject);
  return {
    subject: flow.subject,
    idType: id?.type ?? ('PARTENAIRE' as const),
    idNumber: id?.number ?? flow.subject,
    givenName: flow.given_name,
    familyName: flow.family_name,
    profession: flow.profession,
    practicePlaces: flow.practice_places,
    /** R17: the amr of an e-CPS identity, for the session an assistant's account opens with it; a card's is its method's. */
    amr: input.kind === 'psc' ? amrOfKeptIdToken(flow.id_token) : undefined,
  };
}

/**
 * R12/R13 pairing: the password of the account (same check as the login form: failures count, a
 * blocked or deactivated account is refused) pairs the verified identity with it, then the session
 * is strong because the identity itself was a strong authentication.
 */
export async function pairIdentity(
  deps: Deps,
  input: { flowToken: string | undefined; kind: IdentityKind; username: string; password: string; ip: string; browserHash: Buffer | null },
): Promise<{ accountId: number; pendingStep: PendingStep | null; returnPath: string; amr?: string[] }> {
  if (!input.flowToken || input.flowToken.length > 100) throw cardLoginErrors.PAIRING_EXPIRED();
  const flowHash = sha256(input.flowToken);
  const flow = await repo.getVerifiedFlow(deps.db, flowHash, input.kind, deps.clock.now());
  if (!flow?.subject) throw cardLoginErrors.PAIRING_EXPIRED();
  const subject = flow.subject;
  const checked = await checkPassword(deps, { username: input.username, password: input.password, ip: input.ip, browserHash: input.browserHash });
  // A password alone never opens a session (R06), and a pairing opens every future one: the account
  // owner must also have proven a one-time code in this very browser (a trusted browser, R05).
  // Otherwise a stolen password plus the attacker's own card or e-CPS would be a permanent backdoor.
  if (checked.kind !== 'trusted_browser') throw cardLoginErrors.PAIRING_NEEDS_CODE();
  const now = deps.clock.now();
  const account = await repo.getAccount(deps.db, checked.accountId);
  if (!account) throw authErrors.INVALID_CREDENTIALS();
  const national = input.kind === 'psc' || input.kind === 'cps';
  if (national && account.rpps && subject !== `8${account.rpps}`) throw cardLoginErrors.PAIRING_RPPS_MISMATCH();
  // R12, R13: an account is one professional — a card or e-CPS of another RPPS than the one paired first is refused.
  const rpps = national ? parseNationalId(subject) : null;
  const paired = await repo.listIdentitiesOfAccount(deps.db, account.id);
  if (national && paired.some((i) => (i.kind === 'psc' || i.kind === 'cps') && i.subject !== subject)) throw cardLoginErrors.PAIRING_RPPS_MISMATCH();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.completeFlow(trx, flowHash, now))) throw cardLoginErrors.PAIRING_EXPIRED();
    if (await repo.getAccountByIdentity(trx, input.kind, subject)) throw cardLoginErrors.IDENTITY_ALREADY_PAIRED();
    if ((await repo.listIdentitiesOfAccount(trx, account.id)).some((i) => i.kind === input.kind)) throw cardLoginErrors.IDENTITY_ALREADY_PAIRED();
    await pairIdentityIn(trx, { kind: input.kind, subject, accountId: account.id, now });
    // The account's RPPS is recorded at its first pairing: the account is that professional's from then on.
    const recordedRpps = rpps?.type === 'RPPS' && !account.rpps ? await recordRpps(trx, account.id, rpps.number) : false;
    const actor = { kind: 'account' as const, accountId: account.id, label: actorLabel(account) };
    await recordAudit(trx, {
      actor,
      subjectAccountId: account.id,
      code: 'IDENTITY_PAIRED',
      description: `Association de l’identité ${kindLabel(input.kind)} ${subject} au compte${recordedRpps ? ` (RPPS ${rpps!.number} enregistré sur le compte)` : ''}`,
      details: { kind: input.kind, subject, practicePlaces: flow.practice_places, ...(recordedRpps ? { rpps: rpps!.number } : {}) },
      ip: input.ip,
    });
    await recordAudit(trx, { actor, subjectAccountId: account.id, code: 'LOGIN_SUCCEEDED', description: `Connexion réussie (${kindLabel(input.kind)}, association)`, details: { method: loginMethodOf(input.kind) }, ip: input.ip });
    // The holder hears of it at once: an association they did not make is an alarm.
    await enqueueMail(trx, {
      to: account.email,
      ...buildMail({
        subject: 'Une identité a été associée à votre compte Habilis',
        paragraphs: [
          `Bonjour ${account.first_name},`,
          `L’identité ${kindLabel(input.kind)} ${subject} vient d’être associée à votre compte : elle permet désormais de vous connecter sans mot de passe.`,
          'Si vous n’êtes pas à l’origine de cette association, changez votre mot de passe et prévenez immédiatement le référent de votre structure.',
        ],
      }),
    });
  }).catch((error: unknown) => {
    // Another account already holds this RPPS (the database's unique index has the last word).
    throw translateConstraint(error, { accounts_rpps_key: () => cardLoginErrors.PAIRING_RPPS_TAKEN() });
  });
  // R17: an e-CPS or partner session states the amr its provider gave, kept with the flow's ID token; a card's is its method's.
  const amr = input.kind === 'cps' ? {} : { amr: amrOfKeptIdToken(flow.id_token) };
  return { accountId: account.id, pendingStep: pendingStepFor(account, now, deps.config.passwordMaxAgeMonths), returnPath: flow.return_path, ...amr };
}

/** Uses the verified identity of this browser's flow once, in the caller's transaction (an account created from it, R14, R15). */
export async function completeFlowIn(trx: Deps['db'], flowToken: string, now: Date): Promise<boolean> {
  return repo.completeFlow(trx, sha256(flowToken), now);
}

/** Remembers which flow opened the session: its ID token is the end-session hint at logout. */
export async function bindFlowToSession(deps: Deps, flowToken: string, sessionIdHash: Buffer): Promise<void> {
  await repo.setFlowSession(deps.db, sha256(flowToken), sessionIdHash);
}

/** Where the browser goes after a local logout of an e-CPS session: PSC's end-session endpoint when published. */
export async function pscLogoutUrl(deps: Deps, sessionIdHash: Buffer | null): Promise<string | null> {
  if (!deps.config.psc || !sessionIdHash) return null;
  const idToken = await repo.getIdTokenOfSession(deps.db, sessionIdHash);
  if (!idToken) return null;
  try {
    const url = psc.endSessionUrl(await psc.pscConfiguration(deps.config.psc), {
      id_token_hint: idToken,
      post_logout_redirect_uri: new URL('/', deps.config.baseUrl).toString(),
    });
    return url?.toString() ?? null;
  } catch (error) {
    deps.logger.warn({ err: error }, 'déconnexion Pro Santé Connect impossible');
    return null;
  }
}

/**
 * R12: a card login. The certificate is verified (chain to a configured CA, dates, key usage), then
 * the identity is kept server-side for this browser (a flow already verified) and used like an
 * e-CPS identity: a paired account logs in strongly, an unknown one must be paired first.
 */
export async function cardLogin(deps: Deps, input: { source: CertificateSource; returnPath: string; ip: string }): Promise<{ flowToken: string; result: ExternalLoginResult }> {
  const card = deps.config.card;
  if (!card) throw cardErrors.CARD_DISABLED();
  if (input.source.kind === 'none') throw cardErrors.CARD_ABSENT();
  await limitFlowStarts(deps, input.ip);
  const now = deps.clock.now();
  await purgeFlows(deps, now);
  const verification = await verifyCardCertificate(card, input.source.der, now);
  if (!verification.ok) {
    await recordAudit(deps.db, { actor: SYSTEM_ACTOR, code: 'LOGIN_FAILED', description: `Échec de connexion par carte CPS : certificat refusé (${verification.problem})`, ip: input.ip });
    if (verification.problem === 'expired' || verification.problem === 'not_yet_valid') throw cardErrors.CARD_EXPIRED();
    if (verification.problem === 'no_identity') throw cardLoginErrors.IDENTITY_INVALID();
    if (verification.problem === 'revoked') throw cardErrors.CARD_REVOKED();
    if (verification.problem === 'revocation_unknown') throw cardErrors.CARD_REVOCATION_UNKNOWN();
    throw cardErrors.CARD_REFUSED();
  }
  const flowToken = randomToken();
  const flowHash = sha256(flowToken);
  await repo.insertVerifiedFlow(deps.db, {
    flowHash,
    kind: 'cps',
    subject: verification.nationalId.value,
    givenName: verification.givenName,
    familyName: verification.familyName,
    profession: verification.profession,
    returnPath: input.returnPath,
    now,
    expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
  });
  const result = await loginWithVerifiedIdentity(deps, { flowHash, kind: 'cps', subject: verification.nationalId.value, returnPath: input.returnPath, ip: input.ip });
  return { flowToken, result };
}

// ─── R16: sign-in from a partner site ──────────────────────────────────────────────────────────

export function findPartner(deps: Deps, partnerId: string): PartnerConfig {
  const partner = deps.config.partners.find((p) => p.id === partnerId);
  if (!partner) throw partnerErrors.PARTNER_UNKNOWN();
  return partner;
}

export function partnerRedirectUri(deps: Deps, partner: PartnerConfig): string {
  return new URL(`/connexion/partenaire/${partner.id}/retour`, deps.config.baseUrl).toString();
}

/** R16: off to the partner's provider, with state, nonce and PKCE kept server-side as for e-CPS. */
export async function startPartnerLogin(deps: Deps, input: { partnerId: string; returnPath: string; ip: string }): Promise<{ flowToken: string; url: string }> {
  const partner = findPartner(deps, input.partnerId);
  await limitFlowStarts(deps, input.ip);
  let configuration;
  try {
    configuration = await psc.pscConfiguration(partner);
  } catch (error) {
    deps.logger.warn({ err: error, partner: partner.id }, 'découverte du partenaire impossible');
    throw partnerErrors.PARTNER_UNAVAILABLE();
  }
  const now = deps.clock.now();
  const flowToken = randomToken();
  const state = psc.randomState();
  const nonce = psc.randomNonce();
  const codeVerifier = psc.randomPkceVerifier();
  await repo.insertFlow(deps.db, { flowHash: sha256(flowToken), kind: `partner:${partner.id}`, state, nonce, codeVerifier, returnPath: input.returnPath, now, expiresAt: new Date(now.getTime() + FLOW_TTL_MS) });
  const url = psc.authorizationUrl(configuration, {
    redirect_uri: partnerRedirectUri(deps, partner),
    scope: 'openid',
    // The proof R16 needs, asked for explicitly: methods, level and time of the authentication.
    claims: JSON.stringify({ id_token: { amr: { essential: true }, acr: null, auth_time: { essential: true } } }),
    state,
    nonce,
    code_challenge: await psc.pkceChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { flowToken, url: url.toString() };
}

/**
 * R16: the partner's answer. Checked like e-CPS (single-use flow, state, nonce, signature), then the
 * proof of strong authentication; only then the partner identity may log in (paired) or be paired.
 */
export async function finishPartnerLogin(
  deps: Deps,
  input: { partnerId: string; flowToken: string | undefined; currentUrl: URL; ip: string },
): Promise<ExternalLoginResult> {
  const partner = findPartner(deps, input.partnerId);
  const kind = `partner:${partner.id}` as const;
  const now = deps.clock.now();
  if (!input.flowToken || input.flowToken.length > 100) throw partnerErrors.PARTNER_REFUSED();
  const flowHash = sha256(input.flowToken);
  const flow = await repo.consumeFlowCallback(deps.db, flowHash, kind, now);
  if (!flow || !flow.state || !flow.nonce || !flow.code_verifier) throw partnerErrors.PARTNER_REFUSED();
  if (!safeEqual(input.currentUrl.searchParams.get('state') ?? '', flow.state)) throw partnerErrors.PARTNER_REFUSED();
  let answer: psc.PscAnswer;
  try {
    answer = await psc.exchangeCode(await psc.pscConfiguration(partner), input.currentUrl, { state: flow.state, nonce: flow.nonce, codeVerifier: flow.code_verifier }, { userinfo: false });
  } catch (error) {
    deps.logger.warn({ err: error, partner: partner.id }, 'réponse du partenaire refusée');
    throw partnerErrors.PARTNER_REFUSED();
  }
  if (!isStrongPartnerAuthentication(answer.claims, partner, now)) {
    await recordAudit(deps.db, { actor: SYSTEM_ACTOR, code: 'LOGIN_FAILED', description: `Connexion depuis ${partner.name} refusée : pas de preuve d’authentification forte`, ip: input.ip });
    throw partnerErrors.PARTNER_NOT_STRONG();
  }
  const subject = claimText(answer.claims.sub, 100);
  if (!subject) throw partnerErrors.PARTNER_REFUSED();
  await repo.recordFlowIdentity(deps.db, flowHash, {
    subject,
    givenName: claimText(answer.claims.given_name),
    familyName: claimText(answer.claims.family_name),
    // Kept with the flow (purged with it) for the amr of a session opened after the pairing (R17).
    idToken: answer.idToken,
    expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
  });
  const result = await loginWithVerifiedIdentity(deps, { flowHash, kind, subject, returnPath: flow.return_path, ip: input.ip });
  // R17: the session states the amr the partner gave (none when its acr alone proved the strength).
  return result.kind === 'logged_in' ? { ...result, amr: amrClaim(answer.claims.amr) } : result;
}
