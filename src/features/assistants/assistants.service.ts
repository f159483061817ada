/**
 * Use cases of R15: a liberal professional invites assistants, changes or withdraws what they
 * delegate; an invited person accepts with the e-mailed link after a card or e-CPS login (or with
 * their existing account). Every change writes its audit event on both accounts, in the transaction
 * of the change, and the other party hears of it by e-mail.
 */
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { Principal } from '../habilitations/habilitation.policy.js';
import { actorLabel, recordAudit, type Actor } from '../../platform/audit/audit.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { checkCode, consumeCode, storeNewCode, latestCode } from '../../platform/one-time-codes.js';
import { hitLimit, lockTarget, type Limit } from '../../platform/rate-limit.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { maskEmail } from '../auth/auth.rules.js';
import { translateConstraint } from '../../platform/errors.js';
import { assistantErrors } from './assistants.errors.js';
import { acceptanceCodeMail, acceptedMail, changedMail, invitationMail } from './assistants.mails.js';
import * as repo from './assistants.repository.js';
import {
  ACCEPTANCE_CODE_MAX_ATTEMPTS,
  ACCEPTANCE_CODE_RESEND_MS,
  ACCEPTANCE_CODE_TTL_MS,
  DELEGATION_LEVELS,
  describeLevels,
  grantsSomething,
  INVITATION_TTL_MS,
  sameName,
  type DelegationLevels,
} from './assistants.rules.js';

type Trx = Deps['db'];

const level = z.enum(DELEGATION_LEVELS, { error: 'Choisissez « Aucun », « Lecture » ou « Lecture et écriture ».' });
const levelsSchema = z.object({ files: level, medical: level, autonomy: level });
// Names go into an e-mail sent from Habilis to any address: letters, spaces, hyphens and apostrophes only.
const name = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `Indiquez ${label}.`)
    .max(100, '100 caractères au plus.')
    .regex(/^\p{L}[\p{L}\p{M} '’-]*$/u, 'Lettres, espaces, tirets et apostrophes seulement.');
export const invitationSchema = levelsSchema.extend({
  lastName: name('le nom de votre assistant'),
  firstName: name('le prénom de votre assistant'),
  email: z.string().trim().max(254, '254 caractères au plus.').regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.'),
});
/** Form values as typed: the schemas decide what they are worth. */
export type LevelsInput = Record<'files' | 'medical' | 'autonomy', string>;
export type InvitationInput = LevelsInput & Record<'lastName' | 'firstName' | 'email', string>;

const NOTHING_DELEGATED = 'Choisissez au moins un accès : « Lecture » ou « Lecture et écriture » pour l’un des trois.';

function fieldErrors(issues: z.core.$ZodIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[String(issue.path[0] ?? '')] ??= issue.message;
  return errors;
}

function parseLevels(input: unknown): DelegationLevels {
  const parsed = levelsSchema.safeParse(input);
  if (!parsed.success) throw assistantErrors.INVITE_INVALID(fieldErrors(parsed.error.issues));
  if (!grantsSomething(parsed.data)) throw assistantErrors.INVITE_INVALID({ files: NOTHING_DELEGATED });
  return parsed.data;
}

/** The professional, as actor of their own changes; refused unless a liberal professional (R14). */
async function liberalProfessional(deps: Deps, principal: Principal) {
  if (!principal.liberal) throw assistantErrors.NOT_LIBERAL();
  const account = await repo.getAccount(deps.db, principal.accountId);
  if (!account) throw assistantErrors.NOT_LIBERAL();
  return { account, actor: { kind: 'account', accountId: account.id, label: actorLabel(account) } satisfies Actor };
}

function invitationLink(deps: Deps, token: string): string {
  const link = new URL('/assistant/invitation', deps.config.baseUrl);
  link.searchParams.set('jeton', token);
  return link.toString();
}

/** "Mes assistants": invitations and delegations of the professional, with what each state allows. */
export async function listAssistants(deps: Deps, principal: Principal) {
  await liberalProfessional(deps, principal);
  const now = deps.clock.now();
  const rows = await repo.listOfProfessional(deps.db, principal.accountId);
  return rows.map((row) => ({
    ...row,
    state: row.status === 'invited' && row.invitation_expires_at <= now ? ('expired' as const) : row.status,
  }));
}

/** R15: invites an assistant (names, e-mail) with the three delegations; the link goes by e-mail. */
export async function inviteAssistant(deps: Deps, principal: Principal, input: InvitationInput, ip: string | null): Promise<void> {
  const { account, actor } = await liberalProfessional(deps, principal);
  const parsed = invitationSchema.safeParse(input);
  if (!parsed.success) throw assistantErrors.INVITE_INVALID(fieldErrors(parsed.error.issues));
  const data = parsed.data;
  if (!grantsSomething(data)) throw assistantErrors.INVITE_INVALID({ files: NOTHING_DELEGATED });
  if (data.email.toLowerCase() === account.email.toLowerCase()) throw assistantErrors.INVITE_SELF.at('email');
  const now = deps.clock.now();
  if (await repo.hasPendingInvitation(deps.db, account.id, data.email)) throw pendingError();
  // Each invitation sends an e-mail from Habilis to an address the professional chose.
  if (!(await hitLimit(deps.db, `assistant-invitations:${account.id}`, INVITATIONS_PER_DAY, now)).allowed) throw assistantErrors.INVITE_TOO_MANY();
  const token = randomToken();
  try {
    await sendInvitation(deps, { account, actor, data, token, now, ip });
  } catch (error) {
    throw translateConstraint(error, { assistant_delegations_pending_key: pendingError });
  }
  deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
}

const INVITATIONS_PER_DAY: Limit = { window: 86_400, max: 20 };
const pendingError = () => assistantErrors.INVITE_PENDING.at('email');

async function sendInvitation(
  deps: Deps,
  input: { account: { id: number; first_name: string; last_name: string }; actor: Actor; data: z.output<typeof invitationSchema>; token: string; now: Date; ip: string | null },
): Promise<void> {
  const { account, actor, data, token, now, ip } = input;
  await deps.db.transaction().execute(async (trx) => {
    const invitation = await repo.insertInvitation(trx, {
      professionalAccountId: account.id,
      lastName: data.lastName,
      firstName: data.firstName,
      email: data.email,
      files: data.files,
      medical: data.medical,
      autonomy: data.autonomy,
      tokenHash: sha256(token),
      now,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    });
    await recordAudit(trx, {
      actor,
      subjectAccountId: account.id,
      code: 'ASSISTANT_INVITED',
      description: `Invitation de ${data.firstName} ${data.lastName.toUpperCase()} comme assistant (${describeLevels(data)})`,
      details: { delegationId: invitation.id, files: data.files, medical: data.medical, autonomy: data.autonomy },
      ip,
    });
    await enqueueMail(trx, {
      to: data.email,
      ...invitationMail({ firstName: data.firstName, professional: { firstName: account.first_name, lastName: account.last_name }, levels: data, link: invitationLink(deps, token) }),
      sensitive: true,
    });
  });
}

async function lockDelegation(trx: Trx, principal: Principal, delegationId: number) {
  const delegation = await repo.lockOfProfessional(trx, principal.accountId, delegationId);
  // Another professional's delegation answers exactly as a missing one.
  if (!delegation) throw assistantErrors.DELEGATION_NOT_FOUND();
  if (delegation.status === 'revoked') throw assistantErrors.DELEGATION_REVOKED();
  return delegation;
}

/** The assistant hears of every change to their accesses, at their account's current address. */
async function notifyAssistant(trx: Trx, assistantAccountId: number, professional: { first_name: string; last_name: string }, levels: DelegationLevels | null) {
  const assistant = await repo.getAccount(trx, assistantAccountId);
  if (!assistant || assistant.deactivated_at) return;
  await enqueueMail(trx, {
    to: assistant.email,
    ...changedMail({ assistantFirstName: assistant.first_name, professional: { firstName: professional.first_name, lastName: professional.last_name }, levels }),
  });
}

const assistantName = (d: { invited_first_name: string; invited_last_name: string }) => `${d.invited_first_name} ${d.invited_last_name.toUpperCase()}`;

/** R15: changes what an assistant (or a pending invitation) may do; effective at the assistant's next request. */
export async function changeDelegation(deps: Deps, principal: Principal, delegationId: number, input: LevelsInput, ip: string | null): Promise<'changed' | 'unchanged'> {
  const { account, actor } = await liberalProfessional(deps, principal);
  const levels = parseLevels(input);
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const delegation = await lockDelegation(trx, principal, delegationId);
    if (delegation.files === levels.files && delegation.medical === levels.medical && delegation.autonomy === levels.autonomy) return 'unchanged' as const;
    await repo.updateLevels(trx, delegation.id, levels, now);
    const description = `Accès de l’assistant ${assistantName(delegation)} modifiés : ${describeLevels(levels)}`;
    const details = { delegationId: delegation.id, before: { files: delegation.files, medical: delegation.medical, autonomy: delegation.autonomy }, after: levels };
    await recordAudit(trx, { actor, subjectAccountId: account.id, code: 'ASSISTANT_DELEGATION_CHANGED', description, details, ip });
    if (delegation.assistant_account_id !== null) {
      await recordAudit(trx, {
        actor,
        subjectAccountId: delegation.assistant_account_id,
        code: 'ASSISTANT_DELEGATION_CHANGED',
        description: `Accès pour le compte de ${account.first_name} ${account.last_name.toUpperCase()} modifiés : ${describeLevels(levels)}`,
        details,
        ip,
      });
      await notifyAssistant(trx, delegation.assistant_account_id, account, levels);
    }
    return 'changed' as const;
  });
  deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
  return outcome;
}

/** R15: withdraws an assistant's delegation (or a pending invitation, whose link then serves no more). */
export async function revokeDelegation(deps: Deps, principal: Principal, delegationId: number, ip: string | null): Promise<void> {
  const { account, actor } = await liberalProfessional(deps, principal);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const delegation = await lockDelegation(trx, principal, delegationId);
    await repo.revoke(trx, delegation.id, now);
    const what = delegation.status === 'invited' ? 'Invitation retirée' : 'Accès retirés';
    await recordAudit(trx, { actor, subjectAccountId: account.id, code: 'ASSISTANT_REVOKED', description: `${what} : assistant ${assistantName(delegation)}`, details: { delegationId: delegation.id }, ip });
    if (delegation.assistant_account_id !== null) {
      await recordAudit(trx, {
        actor,
        subjectAccountId: delegation.assistant_account_id,
        code: 'ASSISTANT_REVOKED',
        description: `Accès pour le compte de ${account.first_name} ${account.last_name.toUpperCase()} retirés`,
        details: { delegationId: delegation.id },
        ip,
      });
      await notifyAssistant(trx, delegation.assistant_account_id, account, null);
    }
  });
  deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
}

function tokenHash(token: unknown): Buffer {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw assistantErrors.INVITATION_INVALID();
  return sha256(token);
}

async function usableInvitation(deps: Deps, db: Trx, token: unknown) {
  const invitation = await repo.getInvitationByToken(db, tokenHash(token));
  if (!invitation || invitation.status !== 'invited' || invitation.invitation_expires_at <= deps.clock.now() || invitation.professional_deactivated_at) {
    throw assistantErrors.INVITATION_INVALID();
  }
  return invitation;
}

/** The invitation page (public, from the e-mailed link): who invites, for what; nothing more. */
export async function describeInvitation(deps: Deps, token: unknown) {
  const invitation = await usableInvitation(deps, deps.db, token);
  return {
    professional: { firstName: invitation.professional_first_name, lastName: invitation.professional_last_name },
    invited: { firstName: invitation.invited_first_name, lastName: invitation.invited_last_name, maskedEmail: maskEmail(invitation.invited_email) },
    levels: { files: invitation.files, medical: invitation.medical, autonomy: invitation.autonomy },
  };
}

/** The invited names and e-mail, for an account created from this invitation (R15). */
export async function invitedPerson(deps: Deps, token: unknown) {
  const invitation = await usableInvitation(deps, deps.db, token);
  return { firstName: invitation.invited_first_name, lastName: invitation.invited_last_name, email: invitation.invited_email };
}

/**
 * R15: the invitation becomes the delegation of this account, once. The account must be the one
 * invited (its e-mail is the invited address: the link proved that mailbox), never the professional.
 * Runs in the caller's transaction, with the account's creation when there is one.
 */
export async function acceptInvitationIn(
  deps: Deps,
  trx: Trx,
  input: { token: unknown; account: { id: number; email: string; email_verified_at: Date | null; first_name: string; last_name: string; username: string }; ip: string | null },
): Promise<void> {
  const invitation = await usableInvitation(deps, trx, input.token);
  if (invitation.professional_account_id === input.account.id) throw assistantErrors.INVITATION_SELF();
  // The link reached the invited mailbox: only the account whose address it is, proven, may take it.
  if (invitation.invited_email.toLowerCase() !== input.account.email.toLowerCase() || !input.account.email_verified_at) throw assistantErrors.INVITATION_OTHER_EMAIL();
  if (await repo.hasActiveDelegation(trx, invitation.professional_account_id, input.account.id)) throw assistantErrors.INVITATION_ALREADY_ASSISTANT();
  const accepted = await repo.acceptInvitation(trx, tokenHash(input.token), input.account.id, deps.clock.now());
  if (!accepted) throw assistantErrors.INVITATION_INVALID();
  const actor: Actor = { kind: 'account', accountId: input.account.id, label: actorLabel(input.account) };
  const levels = { files: accepted.files, medical: accepted.medical, autonomy: accepted.autonomy };
  const professional = `${invitation.professional_first_name} ${invitation.professional_last_name.toUpperCase()}`;
  const details = { delegationId: accepted.id, ...levels };
  await recordAudit(trx, {
    actor,
    subjectAccountId: input.account.id,
    code: 'ASSISTANT_INVITATION_ACCEPTED',
    description: `Invitation acceptée : assistant de ${professional} (${describeLevels(levels)})`,
    details,
    ip: input.ip,
  });
  await recordAudit(trx, {
    actor,
    subjectAccountId: invitation.professional_account_id,
    code: 'ASSISTANT_INVITATION_ACCEPTED',
    description: `${input.account.first_name} ${input.account.last_name.toUpperCase()} a accepté l’invitation d’assistant (${describeLevels(levels)})`,
    details,
    ip: input.ip,
  });
  await enqueueMail(trx, {
    to: invitation.professional_email,
    ...acceptedMail({ professionalFirstName: invitation.professional_first_name, assistant: { firstName: input.account.first_name, lastName: input.account.last_name }, levels }),
  });
}

/** R15: how an assistant signs in to accept: their card or their e-CPS. */
export const ACCEPTING_METHODS = ['cps', 'psc'] as const;

/** R15: a person signed in with their card or e-CPS accepts the invitation with their existing account. */
export async function acceptAsSignedIn(deps: Deps, principal: Principal, input: { token: unknown; authMethod: string; ip: string | null }): Promise<void> {
  if (!(ACCEPTING_METHODS as readonly string[]).includes(input.authMethod)) throw assistantErrors.INVITATION_NEEDS_CARD();
  const { token, ip } = input;
  const account = await repo.getAccount(deps.db, principal.accountId);
  if (!account) throw assistantErrors.INVITATION_INVALID();
  try {
    await deps.db.transaction().execute((trx) => acceptInvitationIn(deps, trx, { token, account, ip }));
  } catch (error) {
    // Two tabs accepting at once: the unique index on active delegations has the last word.
    throw translateConstraint(error, { assistant_delegations_active_key: () => assistantErrors.INVITATION_ALREADY_ASSISTANT() });
  }
  deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
}

/** The HMAC context of an acceptance code: it verifies only for its invitation. */
const acceptanceCodeContext = (delegationId: number) => `assistant-acceptance:${delegationId}`;

/**
 * R15: a one-time code to the invited address, for an assistant account created from the link:
 * it proves that whoever creates the account reads that mailbox (the link alone may have been
 * forwarded, or planted in someone's browser). A valid code is not resent unless asked, and not
 * more than once a minute. Returns the masked address.
 */
export async function sendAcceptanceCode(deps: Deps, token: unknown, options: { again: boolean }): Promise<string> {
  const invitation = await usableInvitation(deps, deps.db, token);
  const now = deps.clock.now();
  const masked = maskEmail(invitation.invited_email);
  const binding = { delegationId: invitation.id };
  const sent = await deps.db.transaction().execute(async (trx) => {
    // Per invitation and atomic (issue 12): parallel requests wait for each other and read each other's codes.
    await lockTarget(trx, `code-send:assistant:${invitation.id}`);
    const latest = await latestCode(trx, 'assistant_acceptance', binding, now);
    if (latest?.valid && !options.again) return false;
    if (latest && now.getTime() - latest.sentAt.getTime() < ACCEPTANCE_CODE_RESEND_MS) {
      if (options.again) throw assistantErrors.CODE_TOO_SOON();
      return false;
    }
    const code = await storeNewCode(trx, {
      purpose: 'assistant_acceptance',
      binding,
      channel: 'EMAIL',
      destination: masked,
      context: acceptanceCodeContext(invitation.id),
      secret: deps.config.sessionSecret,
      ttlMs: ACCEPTANCE_CODE_TTL_MS,
      now,
    });
    await enqueueMail(trx, { to: invitation.invited_email, ...acceptanceCodeMail({ firstName: invitation.invited_first_name, code }), sensitive: true });
    return true;
  });
  if (sent) deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
  return masked;
}

/**
 * R15: the code typed on the creation form, for the invitation of this link; a wrong one is counted
 * and the fifth voids it. Returns the code to consume with the account's creation.
 */
export async function checkAcceptanceCode(deps: Deps, token: unknown, code: string, ip: string): Promise<{ codeId: number }> {
  const invitation = await usableInvitation(deps, deps.db, token);
  const check = await checkCode(deps.db, {
    purpose: 'assistant_acceptance',
    binding: { delegationId: invitation.id },
    typed: code,
    context: acceptanceCodeContext(invitation.id),
    secret: deps.config.sessionSecret,
    maxAttempts: ACCEPTANCE_CODE_MAX_ATTEMPTS,
    now: deps.clock.now(),
    limitKey: `acceptance-code-ip:${ip}`,
  });
  if (check.ok) return { codeId: check.codeId };
  if (check.reason === 'rate_limited') throw assistantErrors.TOO_MANY_ATTEMPTS();
  if (check.reason === 'wrong' || check.reason === 'format') throw assistantErrors.CODE_WRONG.at('code');
  throw assistantErrors.CODE_EXPIRED.at('code');
}

/** R15: the acceptance code serves once, in the transaction that creates the account. */
export async function consumeAcceptanceCode(trx: Trx, codeId: number, now: Date): Promise<boolean> {
  return consumeCode(trx, codeId, now);
}

/** R15: the names of the card or e-CPS must be those the professional invited. */
export function checkInvitedName(invited: { lastName: string }, identity: { familyName: string | null }): void {
  if (identity.familyName && !sameName(identity.familyName, invited.lastName)) throw assistantErrors.INVITATION_OTHER_NAME();
}

/** "Mes délégations": the professionals this assistant acts for, read at each request like the principal. */
export async function listMyDelegations(deps: Deps, principal: Principal) {
  return repo.listOfAssistant(deps.db, principal.accountId);
}
