/** Error catalogue of R15 (assistants): stable codes, French messages users read. */
import { defineErrors } from '../../platform/errors.js';
import { authErrors } from '../auth/auth.errors.js';

export const assistantErrors = defineErrors({
  NOT_LIBERAL: {
    status: 403,
    message: 'Seul un professionnel libéral peut inviter des assistants. Votre compte n’est pas celui d’un professionnel libéral.',
  },
  INVITE_INVALID: { status: 400, message: 'Le formulaire comporte des erreurs : corrigez les champs signalés.' },
  INVITE_SELF: { status: 400, message: 'Vous ne pouvez pas vous inviter vous-même comme assistant : indiquez l’adresse e-mail de votre assistant.' },
  INVITE_PENDING: {
    status: 409,
    message: 'Une invitation, en attente ou expirée, existe déjà pour cette adresse e-mail. Retirez-la avant d’en envoyer une nouvelle.',
  },
  DELEGATION_NOT_FOUND: { status: 404, message: 'Cet assistant ne figure pas parmi les vôtres.' },
  DELEGATION_REVOKED: { status: 409, message: 'Cet accès est déjà retiré : invitez de nouveau la personne si besoin.' },
  INVITATION_INVALID: {
    status: 400,
    message: 'Cette invitation n’est plus valable : elle a expiré, a déjà servi ou a été retirée. Demandez une nouvelle invitation au professionnel.',
  },
  INVITATION_SELF: { status: 403, message: 'Vous ne pouvez pas être votre propre assistant.' },
  INVITATION_OTHER_EMAIL: {
    status: 403,
    message:
      'Cette invitation a été envoyée à une autre adresse e-mail que celle de votre compte. Connectez-vous avec le compte de l’adresse invitée, ou demandez au professionnel de vous inviter à l’adresse de votre compte.',
  },
  INVITATION_ALREADY_ASSISTANT: { status: 409, message: 'Vous êtes déjà assistant de ce professionnel. Il peut modifier vos accès depuis son compte.' },
  INVITATION_EMAIL_USED: {
    status: 409,
    message:
      'L’adresse e-mail invitée est déjà celle d’un compte Habilis : associez d’abord votre carte CPS ou votre e-CPS à ce compte, puis acceptez l’invitation.',
  },
  INVITE_TOO_MANY: { status: 429, message: 'Vous avez envoyé beaucoup d’invitations aujourd’hui. Réessayez demain.' },
  INVITATION_NEEDS_CARD: {
    status: 403,
    message: 'Pour accepter une invitation d’assistant, connectez-vous avec votre carte CPS ou votre e-CPS, puis revenez sur cette page.',
  },
  INVITATION_OTHER_NAME: {
    status: 403,
    message: 'Le nom de votre carte CPS ou de votre e-CPS n’est pas celui de l’invitation. Demandez au professionnel une invitation à votre nom.',
  },
  CODE_WRONG: { status: 400, message: 'Ce code n’est pas le bon. Vérifiez le dernier e-mail reçu.' },
  CODE_EXPIRED: { status: 400, message: 'Ce code n’est plus valable (expiré ou trop d’erreurs). Demandez un nouveau code.' },
  TOO_MANY_ATTEMPTS: authErrors.definitions.TOO_MANY_ATTEMPTS,
  CODE_TOO_SOON: { status: 429, message: 'Un code vient d’être envoyé. Attendez une minute avant d’en demander un autre.' },
  ASSISTANT_FORM_INVALID: { status: 400, message: 'Le formulaire comporte des erreurs : corrigez les champs signalés.' },
  ASSISTANT_ALREADY_EXISTS: {
    status: 409,
    message: 'Un compte existe déjà pour ce numéro. Connectez-vous avec ce compte pour accepter l’invitation.',
  },
});
