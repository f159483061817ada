/** Error catalogue of "Mon compte" and "Mes référents": stable codes, French messages users read. */
import { defineErrors } from '../../platform/errors.js';
import { authErrors } from '../auth/auth.errors.js';
import { accountErrors } from '../accounts/account.errors.js';

// The same situations as at login get the same words: one definition, in the auth catalogue.
const { ACCOUNT_BLOCKED, CODE_FORMAT, CODE_WRONG, CODE_EXPIRED, CODE_RESEND_TOO_SOON, PASSWORD_INVALID, PASSWORD_MISMATCH, PASSWORD_REUSED, TOO_MANY_ATTEMPTS } =
  authErrors.definitions;
const { EMAIL_ALREADY_USED } = accountErrors.definitions;

export const selfServiceErrors = defineErrors({
  IDENTITY_INVALID: { status: 400, message: 'Le formulaire contient des erreurs : corrigez les champs signalés.' },
  CURRENT_PASSWORD_REQUIRED: {
    status: 400,
    message: 'Saisissez votre mot de passe actuel : il est demandé pour modifier l’adresse e-mail, le téléphone mobile ou le canal du code.',
  },
  CURRENT_PASSWORD_WRONG: { status: 400, message: 'Mot de passe actuel incorrect.' },
  ACCOUNT_BLOCKED,
  EMAIL_ALREADY_USED,
  EMAIL_CHANGE_TOO_MANY: {
    status: 429,
    message: 'Trop de demandes de changement d’adresse e-mail en peu de temps. Patientez une heure avant de recommencer.',
  },
  MOBILE_MISSING: { status: 400, message: 'Renseignez d’abord votre téléphone mobile dans vos informations personnelles, puis vérifiez-le.' },
  MOBILE_ALREADY_VERIFIED: { status: 409, message: 'Ce numéro de téléphone mobile est déjà vérifié.' },
  CODE_FORMAT,
  CODE_WRONG,
  CODE_EXPIRED,
  CODE_RESEND_TOO_SOON,
  OTP_CHANNEL_INVALID: { status: 400, message: 'Choisissez la réception du code par e-mail ou par SMS.' },
  SMS_NEEDS_VERIFIED_MOBILE: {
    status: 400,
    message: 'La réception du code par SMS n’est possible qu’avec un téléphone mobile vérifié. Vérifiez d’abord votre numéro.',
  },
  PASSWORD_INVALID,
  PASSWORD_MISMATCH,
  PASSWORD_REUSED,
  HABILITATION_NOT_FOUND: { status: 404, message: 'Cette habilitation n’existe pas ou n’est pas la vôtre.' },
  HABILITATION_ALREADY_DELETED: { status: 409, message: 'Cette habilitation est déjà supprimée.' },
  SESSION_NOT_FOUND: { status: 404, message: 'Cette session est déjà terminée ou n’est pas la vôtre.' },
  SESSION_IS_CURRENT: { status: 400, message: 'Pour terminer la session en cours, utilisez « Déconnexion ».' },
  BROWSER_NOT_FOUND: { status: 404, message: 'Ce navigateur n’est plus de confiance ou n’est pas le vôtre.' },
  TOO_MANY_ATTEMPTS,
});
