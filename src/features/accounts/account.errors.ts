import { defineErrors } from '../../http/errors.js';

export const accountErrors = defineErrors({
  ACCOUNT_INVALID: { status: 400, message: 'Le formulaire contient des erreurs.' },
  ACCOUNT_EMAIL_ALREADY_EXISTS: {
    status: 409,
    message: 'Cette adresse e-mail est déjà celle d’un compte actif. Recherchez ce compte par son adresse e-mail plutôt que d’en créer un second.',
  },
});
