/** Error catalogue of authentication: stable codes, French messages users read. */
import { defineErrors } from '../../platform/errors.js';

/** "1 minute", "2 minutes": French plural from 2 on. */
const countOf = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

export const authErrors = defineErrors({
  // R01: one message, whatever was wrong; it never says whether the username exists.
  INVALID_CREDENTIALS: { status: 401, message: 'Nom d’utilisateur ou mot de passe incorrect.' },
  ACCOUNT_BLOCKED: {
    status: 403,
    message: 'Compte bloqué : trop de mots de passe erronés. Contactez le référent de votre structure pour le débloquer.',
  },
  ACCOUNT_DEACTIVATED: {
    status: 403,
    message: 'Compte désactivé : vous n’avez plus d’habilitation valide. Contactez le référent de votre structure.',
  },
  ROBOT_CHECK_REQUIRED: {
    status: 400,
    message: 'Trop de tentatives depuis ce poste : cochez la vérification « Je ne suis pas un robot » avant de continuer.',
  },
  ROBOT_CHECK_INVALID: { status: 400, message: 'La vérification anti-robot a échoué. Recommencez-la.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Trop de tentatives en peu de temps. Patientez quelques minutes puis recommencez.' },
  CODE_FORMAT: { status: 400, message: 'Le code se compose de 6 chiffres.' },
  CODE_WRONG: { status: 400, message: ({ left }: { left: number }) => `Code incorrect. Il vous reste ${left} essai${left > 1 ? 's' : ''}.` },
  CODE_EXPIRED: {
    status: 400,
    message: 'Ce code n’est plus valable (expiré, déjà utilisé ou trop d’erreurs). Demandez un nouveau code.',
  },
  CODE_RESEND_TOO_SOON: {
    status: 429,
    message: ({ seconds }: { seconds: number }) =>
      `Un code vient d’être envoyé. Patientez ${seconds < 60 ? countOf(seconds, 'seconde') : countOf(Math.ceil(seconds / 60), 'minute')} avant d’en demander un autre.`,
  },
  LOGIN_CODES_EXHAUSTED: {
    status: 429,
    message: ({ seconds }: { seconds: number }) =>
      `Trop de codes de connexion ont été envoyés pour ce compte dans l’heure. Réessayez dans ${countOf(Math.ceil(seconds / 60), 'minute')}.`,
  },
  // R07: the message lists what is wrong with the chosen password.
  PASSWORD_INVALID: { status: 400, message: ({ problems }: { problems: readonly string[] }) => problems.join(' ') },
  PASSWORD_MISMATCH: { status: 400, message: 'Les deux mots de passe saisis sont différents.' },
  PASSWORD_REUSED: { status: 400, message: 'Ce mot de passe a déjà été utilisé récemment : choisissez-en un nouveau.' },
  LINK_INVALID: {
    status: 400,
    message: 'Ce lien n’est plus valable : il a expiré ou a déjà servi. Faites une nouvelle demande.',
  },
  TERMS_NOT_ACCEPTED: { status: 400, message: 'Cochez la case pour accepter les conditions générales d’utilisation.' },
});
