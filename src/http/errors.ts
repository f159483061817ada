/** Errors of the HTTP layer itself. */
import { defineErrors } from '../platform/errors.js';

export const httpErrors = defineErrors({
  NOT_FOUND: { status: 404, message: 'La page demandée n’existe pas ou n’existe plus.' },
  UNAUTHENTICATED: { status: 401, message: 'Veuillez vous connecter pour accéder à cette page.' },
  FORBIDDEN: { status: 403, message: 'Vous n’avez pas les droits nécessaires pour accéder à cette page.' },
  CSRF_INVALID: {
    status: 403,
    message: 'Le formulaire a expiré ou ne vient pas de Habilis. Rechargez la page et recommencez.',
  },
  ORIGIN_INVALID: { status: 403, message: 'Cette demande ne vient pas de Habilis : elle a été refusée.' },
  BAD_REQUEST: { status: 400, message: 'La demande est mal formée.' },
  BODY_TOO_LARGE: { status: 413, message: 'Les données envoyées sont trop volumineuses.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Ce type de contenu n’est pas accepté.' },
  TOO_MANY_FIELDS: { status: 413, message: 'Le formulaire envoyé contient trop de champs.' },
  CHARSET_UNSUPPORTED: { status: 415, message: 'Les données envoyées doivent être encodées en UTF-8.' },
  FORM_EXPECTED: { status: 415, message: 'Cette adresse attend un formulaire (application/x-www-form-urlencoded), pas du JSON.' },
  RATE_LIMITED: { status: 429, message: 'Trop de demandes en peu de temps. Patientez un instant puis recommencez.' },
  ALREADY_EXISTS: { status: 409, message: 'Cet élément existe déjà.' },
  INTERNAL: { status: 500, message: 'Une erreur inattendue s’est produite. Réessayez dans quelques instants.' },
  UNAVAILABLE: { status: 503, message: 'Le service est momentanément indisponible. Réessayez dans quelques instants.' },
});
