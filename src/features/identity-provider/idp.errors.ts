/** Errors of the provider's API side: service clients' tokens, decisions, client registration. */
import { defineErrors } from '../../platform/errors.js';

export const idpErrors = defineErrors({
  TOKEN_MISSING: { status: 401, message: 'Jeton d’accès absent : envoyez « Authorization: Bearer <jeton> » obtenu par client credentials.' },
  TOKEN_INVALID: { status: 401, message: 'Jeton d’accès invalide ou expiré : demandez-en un nouveau au point de jeton de Habilis.' },
  SCOPE_MISSING: { status: 403, message: (p: { scope: string }) => `Ce client n’a pas la portée « ${p.scope} » nécessaire à cet appel.` },
  CLIENT_RATE_LIMITED: { status: 429, message: 'Trop de demandes de ce client en une seconde : ralentissez puis recommencez.' },
  DECISION_INVALID: { status: 400, message: 'La demande de décision est mal formée : voyez le détail par champ et la documentation /documentation/api.' },
  CLIENT_NOT_FOUND: { status: 404, message: 'Cette application cliente n’existe pas.' },
  CLIENT_INVALID: { status: 400, message: 'Certains champs de l’application sont incorrects : corrigez-les et recommencez.' },
  CLIENT_ID_TAKEN: { status: 409, message: 'Cet identifiant de client est déjà utilisé par une autre application.' },
});
