import { defineErrors } from '../../platform/errors.js';

export const accountErrors = defineErrors({
  ACCOUNT_INVALID: { status: 400, message: 'Le formulaire contient des erreurs.' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'Ce compte n’existe pas ou n’appartient pas à votre périmètre.' },
  ACCOUNT_SELF: { status: 403, message: 'Vous ne pouvez pas administrer votre propre compte : utilisez « Mon compte ».' },
  ACCOUNT_STATE_UNCHANGED: { status: 409, message: 'Le compte est déjà dans cet état.' },
  ACCOUNT_EMAIL_ALREADY_EXISTS: {
    status: 409,
    message:
      'Cette adresse e-mail est déjà celle d’un compte actif : un professionnel n’a qu’un compte. Recherchez ce compte par son adresse e-mail et ajoutez-lui une habilitation.',
  },
  ACCOUNT_EMAIL_SHARED: {
    status: 400,
    message:
      'Cette adresse semble partagée (secrétariat, contact…). Un compte appartient à une seule personne : saisissez son adresse personnelle, ou cochez la case pour confirmer.',
  },
});
