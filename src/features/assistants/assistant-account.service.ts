/**
 * R15: an invited assistant without a Habilis account creates it after their card or e-CPS login:
 * the identity (names, RPPS or ADELI number) comes from the verified login, the e-mail address from
 * the invitation (the link reached it: it is verified); they add their profession and a password.
 * The account, its paired identity, its password history and the accepted invitation commit together.
 * Then the terms of use (pending step of the session).
 */
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { actorLabel, recordAudit } from '../../platform/audit/audit.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { DomainError, translateConstraint } from '../../platform/errors.js';
import { PASSWORD_MAX_LENGTH, passwordPolicyViolations, type PendingStep } from '../auth/auth.rules.js';
import { pendingStepFor } from '../auth/auth.service.js';
import { recordPasswordHistory } from '../auth/password.service.js';
import { pairIdentityIn } from '../auth/credentials.service.js';
import * as accounts from '../accounts/account.repository.js';
import { cardLoginErrors } from '../card-login/card-login.errors.js';
import { completeFlowIn, pendingIdentity, type IdentityKind } from '../card-login/card-login.service.js';
import { assistantErrors } from './assistants.errors.js';
import { acceptInvitationIn, checkAcceptanceCode, checkInvitedName, consumeAcceptanceCode, invitedPerson } from './assistants.service.js';

export const assistantFormSchema = z.object({
  code: z.string().trim().max(20),
  profession: z.string().trim().min(1, 'Indiquez votre profession.').max(100, '100 caractères au plus.'),
  password: z.string().max(1000),
  confirmation: z.string().max(1000),
});
export type AssistantFormInput = z.input<typeof assistantFormSchema>;

/**
 * What the creation page shows: the verified identity and the invited person, whose last names
 * must be one (a link forwarded to, or planted in the browser of, someone else stops here).
 */
export async function assistantIdentity(deps: Deps, input: { flowToken: string | undefined; kind: 'psc' | 'cps'; invitationToken: string | undefined }) {
  const identity = await pendingIdentity(deps, { flowToken: input.flowToken, kind: input.kind });
  if (identity.idType === 'PARTENAIRE') throw cardLoginErrors.IDENTITY_INVALID();
  const invited = await invitedPerson(deps, input.invitationToken);
  checkInvitedName(invited, identity);
  return { identity, invited };
}

export async function createAssistantAccount(
  deps: Deps,
  input: { flowToken: string | undefined; kind: 'psc' | 'cps'; invitationToken: string | undefined; form: AssistantFormInput; ip: string },
): Promise<{ accountId: number; pendingStep: PendingStep | null; amr?: string[] }> {
  const { identity, invited } = await assistantIdentity(deps, input);
  const lastName = identity.familyName ?? invited.lastName;
  const firstName = identity.givenName ?? invited.firstName;
  const parsed = assistantFormSchema.safeParse(input.form);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '')] ??= issue.message;
  // The code sent to the invited address proves its mailbox; a wrong one is counted.
  let acceptanceCode: { codeId: number } | null = null;
  try {
    acceptanceCode = await checkAcceptanceCode(deps, input.invitationToken, String(input.form.code ?? ''), input.ip);
  } catch (error) {
    if (!(error instanceof DomainError) || !error.fields.code) throw error;
    errors.code = error.fields.code;
  }
  const password = String(input.form.password ?? '').normalize('NFC');
  const problems = passwordPolicyViolations(password, { username: identity.idNumber, firstName, lastName }, { composition: deps.config.passwordComposition });
  if (problems.length > 0) errors.password = problems.join(' ');
  else if (password !== String(input.form.confirmation ?? '').normalize('NFC')) errors.confirmation = 'Les deux mots de passe saisis sont différents.';
  if (!parsed.success || Object.keys(errors).length > 0 || [...password].length > PASSWORD_MAX_LENGTH) throw assistantErrors.ASSISTANT_FORM_INVALID(errors);

  const rpps = identity.idType === 'RPPS' ? identity.idNumber : null;
  if ((await accounts.isUsernameTaken(deps.db, identity.idNumber)) || (rpps && (await accounts.isRppsTaken(deps.db, rpps)))) throw assistantErrors.ASSISTANT_ALREADY_EXISTS();
  // R20: the invited address may already be another account's: that account accepts instead.
  if ((await accounts.findActiveAccountByEmail(deps.db, invited.email)) !== undefined) throw assistantErrors.INVITATION_EMAIL_USED();
  const passwordHash = await deps.passwords.hash(password);
  const now = deps.clock.now();
  const kind: IdentityKind = input.kind;
  try {
    const account = await deps.db.transaction().execute(async (trx) => {
      if (!(await completeFlowIn(trx, input.flowToken!, now))) throw cardLoginErrors.PAIRING_EXPIRED();
      if (!acceptanceCode || !(await consumeAcceptanceCode(trx, acceptanceCode.codeId, now))) throw assistantErrors.CODE_EXPIRED.at('code');
      const created = await accounts.insertSelfCreatedAccount(trx, {
        username: identity.idNumber,
        rpps,
        lastName,
        firstName,
        email: invited.email,
        emailVerifiedAt: now,
        phone: null,
        profession: parsed.data!.profession,
        passwordHash,
        now,
      });
      await recordPasswordHistory(trx, created.id, passwordHash, now);
      await pairIdentityIn(trx, { kind, subject: identity.subject, accountId: created.id, now });
      const actor = { kind: 'account' as const, accountId: created.id, label: actorLabel(created) };
      const means = kind === 'psc' ? 'e-CPS (Pro Santé Connect)' : 'carte CPS';
      await recordAudit(trx, { actor, subjectAccountId: created.id, code: 'ACCOUNT_CREATED', description: `Création du compte par l’assistant invité (${means})`, ip: input.ip });
      await recordAudit(trx, {
        actor,
        subjectAccountId: created.id,
        code: 'IDENTITY_PAIRED',
        description: `Association de l’identité ${means} ${identity.subject} au compte`,
        details: { kind, subject: identity.subject, practicePlaces: identity.practicePlaces },
        ip: input.ip,
      });
      await acceptInvitationIn(deps, trx, { token: input.invitationToken, account: created, ip: input.ip });
      return created;
    });
    deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
    return { accountId: account.id, pendingStep: pendingStepFor(account, now, deps.config.passwordMaxAgeMonths), ...(identity.amr ? { amr: identity.amr } : {}) };
  } catch (error) {
    throw translateConstraint(error, {
      accounts_active_email_key: () => assistantErrors.INVITATION_EMAIL_USED(),
      accounts_username_key: () => assistantErrors.ASSISTANT_ALREADY_EXISTS(),
      accounts_rpps_key: () => assistantErrors.ASSISTANT_ALREADY_EXISTS(),
      professional_identities_kind_subject_key: () => assistantErrors.ASSISTANT_ALREADY_EXISTS(),
    });
  }
}
