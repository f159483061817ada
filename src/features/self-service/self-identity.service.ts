/** R41 "Informations personnelles": the person changes their identity, mobile number and e-mail address. */
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit } from '../../platform/audit/audit.js';
import { randomToken } from '../../platform/crypto.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { hitLimit, type Limit } from '../../platform/rate-limit.js';
import { findActiveAccountByEmail, lockAccount, setMobile, updateIdentity as saveIdentity } from '../accounts/account.repository.js';
import { queueEmailChange } from '../accounts/email-change.service.js';
import { invalidateMobileCodesIn } from './self-mobile.service.js';
import { selfServiceErrors as errors } from './self-service.errors.js';
import { identitySchema } from './self-service.schemas.js';
import { checkCurrentPassword, loadAccount, type SelfContext } from './self-service.service.js';
import { changedIdentityFields, IDENTITY_FIELD_LABELS, needsPasswordAgain, type Identity } from './self-service.rules.js';

/** E-mail change requests per account: each one sends two mails. */
const EMAIL_CHANGES_PER_HOUR: Limit = { window: 3600, max: 5 };

export interface IdentityFormInput {
  lastName: string;
  firstName: string;
  email: string;
  phone: string;
  fax: string;
  mobilePhone: string;
  profession: string;
  currentPassword: string;
}

export interface IdentityResult {
  changed: (keyof typeof IDENTITY_FIELD_LABELS)[];
  emailChangeRequested: boolean;
}

/**
 * R41: saves the personal information. Name, first name, phone, fax and profession change at once;
 * a new mobile number is unverified and login codes fall back to e-mail; a new e-mail address is
 * only requested: a single-use link goes to it, the old address is told, and the account keeps the
 * old one until the link is used. E-mail and mobile need the password again. All or nothing.
 */
export async function updateIdentity(deps: Deps, ctx: SelfContext, input: IdentityFormInput): Promise<IdentityResult> {
  const parsed = identitySchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    throw errors.IDENTITY_INVALID(fields);
  }
  const next: Identity = parsed.data;
  const now = deps.clock.now();
  const account = await loadAccount(deps.db, ctx.accountId);
  const current: Identity = {
    lastName: account.last_name,
    firstName: account.first_name,
    email: account.email,
    phone: account.phone,
    fax: account.fax,
    mobilePhone: account.mobile_phone,
    profession: account.profession,
  };
  const changed = changedIdentityFields(current, next);
  if (changed.length === 0) return { changed, emailChangeRequested: false };
  if (needsPasswordAgain(changed)) await checkCurrentPassword(deps, account, input.currentPassword, 'currentPassword', ctx.ip);

  const emailChanged = changed.includes('email');
  if (emailChanged) {
    if ((await findActiveAccountByEmail(deps.db, next.email, account.id)) !== undefined) {
      throw errors.EMAIL_ALREADY_USED.at('email');
    }
    if (!(await hitLimit(deps.db, `email-change:${account.id}`, EMAIL_CHANGES_PER_HOUR, now)).allowed) throw errors.EMAIL_CHANGE_TOO_MANY();
  }
  const direct = changed.filter((f) => f !== 'email' && f !== 'mobilePhone');
  const mobileChanged = changed.includes('mobilePhone');
  const token = randomToken();

  await deps.db.transaction().execute(async (trx) => {
    await lockAccount(trx, account.id);
    if (direct.length > 0) {
      await saveIdentity(trx, account.id, { lastName: next.lastName, firstName: next.firstName, phone: next.phone, fax: next.fax, profession: next.profession }, now);
    }
    if (mobileChanged) {
      await setMobile(trx, account.id, next.mobilePhone, now);
      await invalidateMobileCodesIn(trx, account.id, now);
    }
    if (direct.length > 0 || mobileChanged) {
      const labels = [...direct, ...(mobileChanged ? (['mobilePhone'] as const) : [])].map((f) =>
        f === 'mobilePhone' ? `${IDENTITY_FIELD_LABELS[f]}${next.mobilePhone ? ' (à vérifier)' : ' (retiré)'}` : IDENTITY_FIELD_LABELS[f],
      );
      await recordAudit(trx, {
        actor: accountActor(account),
        subjectAccountId: account.id,
        code: 'ACCOUNT_UPDATED',
        description: `Modification des informations personnelles : ${labels.join(', ')}`,
        details: { fields: [...direct, ...(mobileChanged ? ['mobilePhone'] : [])] },
        ip: ctx.ip,
      });
    }
    if (mobileChanged && account.otp_channel === 'SMS') {
      await recordAudit(trx, {
        actor: accountActor(account),
        subjectAccountId: account.id,
        code: 'OTP_CHANNEL_CHANGED',
        description: 'Réception du code de connexion par e-mail (le téléphone mobile a changé)',
        details: { channel: 'EMAIL' },
        ip: ctx.ip,
      });
    }
    if (emailChanged) {
      await queueEmailChange(deps, trx, { account, newEmail: next.email, firstName: next.firstName, token, actor: accountActor(account), ip: ctx.ip });
    }
  });
  wakeOutbox(deps);
  return { changed, emailChangeRequested: emailChanged };
}
