/**
 * R14: a liberal professional creates their own account at their first e-CPS login, when the
 * identity is unknown and they have no account to pair. The identity (names, RPPS) comes from the
 * verified e-CPS flow, never from the form; the username is the RPPS number. Then the terms of use
 * (pending step of the session), and the e-mail validation link.
 */
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { actorLabel, recordAudit } from '../../platform/audit/audit.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { translateConstraint } from '../../platform/errors.js';
import type { PendingStep } from '../auth/auth.rules.js';
import { PASSWORD_MAX_LENGTH, passwordPolicyViolations } from '../auth/auth.rules.js';
import { pendingStepFor } from '../auth/auth.service.js';
import { recordPasswordHistory } from '../auth/password.service.js';
import { pairIdentityIn } from '../auth/credentials.service.js';
import { cardLoginErrors, liberalErrors } from './card-login.errors.js';
import { emailValidationMail } from './card-login.mails.js';
import * as repo from './card-login.repository.js';
import * as accounts from '../accounts/account.repository.js';
import { amrOfKeptIdToken, EMAIL_VALIDATION_TTL_MS, parseNationalId } from './card-login.rules.js';

const required = (label: string, max: number) => z.string().trim().min(1, `Indiquez ${label}.`).max(max, `${max} caractères au plus.`);

export const liberalFormSchema = z.object({
  profession: required('votre profession', 100),
  specialty: z.string().trim().max(100, '100 caractères au plus.'),
  email: z.string().trim().max(254, '254 caractères au plus.').regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.'),
  phone: z.string().trim().regex(/^(\+33 ?|0)[1-9]( ?\d{2}){4}$/, 'Indiquez un numéro de téléphone valide, par exemple 04 67 00 00 00.'),
  address: required('l’adresse de votre cabinet', 200),
  postcode: z.string().trim().regex(/^\d{5}$/, 'Le code postal se compose de 5 chiffres.'),
  city: required('la commune', 100),
  password: z.string().max(1000),
  confirmation: z.string().max(1000),
});
export type LiberalFormInput = z.input<typeof liberalFormSchema>;

function fieldErrors(issues: z.core.$ZodIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** The identity of the flow, to prefill the form (read-only); refuses an identity that is not an RPPS. */
export async function liberalIdentity(deps: Deps, flowToken: string | undefined) {
  if (!flowToken || flowToken.length > 100) throw cardLoginErrors.PAIRING_EXPIRED();
  const flow = await repo.getVerifiedFlow(deps.db, sha256(flowToken), 'psc', deps.clock.now());
  const id = parseNationalId(flow?.subject);
  if (!flow || !id) throw cardLoginErrors.PAIRING_EXPIRED();
  if (id.type !== 'RPPS') throw liberalErrors.LIBERAL_NOT_RPPS();
  if (!flow.family_name || !flow.given_name) throw cardLoginErrors.IDENTITY_INVALID();
  return { subject: id.value, rpps: id.number, lastName: flow.family_name, firstName: flow.given_name, practicePlaces: flow.practice_places, amr: amrOfKeptIdToken(flow.id_token) };
}

export async function createLiberalAccount(
  deps: Deps,
  input: { flowToken: string | undefined; form: LiberalFormInput; ip: string },
): Promise<{ accountId: number; pendingStep: PendingStep | null; amr: string[] }> {
  const identity = await liberalIdentity(deps, input.flowToken);
  const parsed = liberalFormSchema.safeParse(input.form);
  const errors = parsed.success ? {} : fieldErrors(parsed.error.issues);
  const password = String(input.form.password ?? '').normalize('NFC');
  const problems = passwordPolicyViolations(password, { username: identity.rpps, firstName: identity.firstName, lastName: identity.lastName }, { composition: deps.config.passwordComposition });
  if (problems.length > 0) errors.password = problems.join(' ');
  else if (password !== String(input.form.confirmation ?? '').normalize('NFC')) errors.confirmation = 'Les deux mots de passe saisis sont différents.';
  if (!parsed.success || Object.keys(errors).length > 0 || [...password].length > PASSWORD_MAX_LENGTH) {
    throw liberalErrors.LIBERAL_INVALID(errors);
  }
  const data = parsed.data;
  if ((await accounts.isUsernameTaken(deps.db, identity.rpps)) || (await accounts.isRppsTaken(deps.db, identity.rpps))) throw liberalErrors.LIBERAL_ALREADY_EXISTS();
  // R20: one e-mail address, one active account.
  if ((await accounts.findActiveAccountByEmail(deps.db, data.email)) !== undefined) {
    throw liberalErrors.LIBERAL_EMAIL_USED.at('email');
  }
  const passwordHash = await deps.passwords.hash(password);
  const now = deps.clock.now();
  const flowHash = sha256(input.flowToken!);
  try {
    const account = await deps.db.transaction().execute(async (trx) => {
      if (!(await repo.completeFlow(trx, flowHash, now))) throw cardLoginErrors.PAIRING_EXPIRED();
      const created = await accounts.insertSelfCreatedAccount(trx, {
        username: identity.rpps,
        rpps: identity.rpps,
        lastName: identity.lastName,
        firstName: identity.firstName,
        email: data.email,
        emailVerifiedAt: null,
        phone: data.phone,
        profession: data.profession,
        passwordHash,
        now,
      });
      await recordPasswordHistory(trx, created.id, passwordHash, now);
      await repo.insertLiberalPractice(trx, { accountId: created.id, specialty: data.specialty || null, address: data.address, postcode: data.postcode, city: data.city, now });
      await pairIdentityIn(trx, { kind: 'psc', subject: identity.subject, accountId: created.id, now });
      const actor = { kind: 'account' as const, accountId: created.id, label: actorLabel(created) };
      await recordAudit(trx, { actor, subjectAccountId: created.id, code: 'ACCOUNT_CREATED', description: 'Création du compte par le professionnel libéral (e-CPS)', ip: input.ip });
      await recordAudit(trx, {
        actor,
        subjectAccountId: created.id,
        code: 'IDENTITY_PAIRED',
        description: `Association de l’identité e-CPS (Pro Santé Connect) ${identity.subject} au compte`,
        details: { kind: 'psc', subject: identity.subject, practicePlaces: identity.practicePlaces },
        ip: input.ip,
      });
      const token = randomToken();
      await repo.insertEmailValidation(trx, { tokenHash: sha256(token), accountId: created.id, email: created.email, now, expiresAt: new Date(now.getTime() + EMAIL_VALIDATION_TTL_MS) });
      const link = new URL('/connexion/psc/valider-email', deps.config.baseUrl);
      link.searchParams.set('jeton', token);
      await enqueueMail(trx, { to: created.email, ...emailValidationMail({ firstName: created.first_name, username: created.username, link: link.toString() }), sensitive: true });
      return created;
    });
    deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
    // R17: the session states the amr Pro Santé Connect gave (kept with the flow's ID token).
    return { accountId: account.id, pendingStep: pendingStepFor(account, now, deps.config.passwordMaxAgeMonths), amr: identity.amr };
  } catch (error) {
    throw translateConstraint(error, {
      accounts_active_email_key: () => liberalErrors.LIBERAL_EMAIL_USED.at('email'),
      accounts_username_key: () => liberalErrors.LIBERAL_ALREADY_EXISTS(),
      accounts_rpps_key: () => liberalErrors.LIBERAL_ALREADY_EXISTS(),
      professional_identities_kind_subject_key: () => liberalErrors.LIBERAL_ALREADY_EXISTS(),
    });
  }
}

/** R14: the e-mail validation link, used once. */
export async function validateEmail(deps: Deps, token: unknown, ip: string): Promise<void> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw liberalErrors.EMAIL_LINK_INVALID();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const used = await repo.consumeEmailValidation(trx, sha256(token), now);
    if (!used) throw liberalErrors.EMAIL_LINK_INVALID();
    await accounts.markEmailVerified(trx, used.account_id, now);
    await recordAudit(trx, {
      actor: { kind: 'account', accountId: used.account_id, label: actorLabel(used) },
      subjectAccountId: used.account_id,
      code: 'EMAIL_VERIFIED',
      description: 'Validation de l’adresse e-mail par le lien reçu',
      ip,
    });
  });
}
