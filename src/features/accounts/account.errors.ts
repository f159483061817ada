/** Error catalogue of accounts: the account itself, its administration by referents, the change of its e-mail address. */
import { defineErrors } from '../../platform/errors.js';

export const accountErrors = defineErrors({
  ACCOUNT_INVALID: { status: 400, message: 'Le formulaire contient des erreurs.' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'Ce compte n’existe pas ou n’appartient pas à votre périmètre.' },
  ACCOUNT_SELF: { status: 403, message: 'Vous ne pouvez pas administrer votre propre compte : utilisez « Mon compte ».' },
  ACCOUNT_STATE_UNCHANGED: { status: 409, message: 'Le compte est déjà dans cet état.' },
  ACCOUNT_EMAIL_ALREADY_EXISTS: {
    status: 409,
    message:
      'Cette adresse e-mail est déjà celle d’un compte actif : un professionnel n’a qu’un compte. Recherchez ce compte par cette adresse e-mail exacte : vous pourrez lui ajouter une habilitation de votre périmètre.',
  },
  // R21: search before creating — an account with the same names may be this person's.
  ACCOUNT_HOMONYMS: {
    status: 409,
    message:
      'Un ou plusieurs comptes portent déjà ce nom et ce prénom : vérifiez qu’il ne s’agit pas de cette personne (un professionnel garde son compte toute sa carrière), ou cochez la case pour confirmer qu’il s’agit d’une autre personne.',
  },
  ACCOUNT_EMAIL_SHARED: {
    status: 400,
    message:
      'Cette adresse semble partagée (secrétariat, contact…). Un compte appartient à une seule personne : saisissez son adresse personnelle, ou cochez la case pour confirmer.',
  },
  ACCOUNT_REACTIVATION_EMAIL_TAKEN: {
    status: 409,
    code: 'ACCOUNT_EMAIL_ALREADY_EXISTS',
    message: 'Un autre compte actif utilise maintenant cette adresse e-mail : modifiez l’adresse avant de réactiver ce compte.',
  },
  // R41, R22: the change of an e-mail address, validated by a link sent to the new one.
  EMAIL_ALREADY_USED: {
    status: 409,
    message: 'Cette adresse e-mail est déjà celle d’un autre compte actif : un professionnel n’a qu’un compte, une adresse n’appartient qu’à un compte.',
  },
  EMAIL_LINK_INVALID: {
    status: 400,
    code: 'LINK_INVALID',
    message: 'Ce lien n’est plus valable : il a expiré, a déjà servi ou a été remplacé par une demande plus récente. Refaites la demande depuis « Mon compte ».',
  },
});
