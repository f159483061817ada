/** Errors of the Observatoire (R70), in French, at the field of the order form where they belong. */
import { defineErrors } from '../../platform/errors.js';
import { COMMENT_MAX, MAX_OPEN_ORDERS, MAX_PERIOD_YEARS } from './observatory.rules.js';

export const observatoryErrors = defineErrors({
  UNKNOWN_REQUEST: { status: 404, message: 'Cette demande de statistiques n’existe pas.' },
  ORDER_NOT_FOUND: { status: 404, message: 'Cette commande n’existe pas ou n’existe plus.' },
  NOT_READY: { status: 409, message: 'Les statistiques de cette commande ne sont pas disponibles : elles ne sont pas prêtes, ou elles ont été supprimées.' },
  NO_SCOPE: { status: 403, message: 'Aucune de vos habilitations ne permet de commander ces statistiques.' },
  START_REQUIRED: { status: 400, message: 'Indiquez le début de la période, au format JJ/MM/AAAA.' },
  END_REQUIRED: { status: 400, message: 'Indiquez la fin de la période, au format JJ/MM/AAAA.' },
  START_AFTER_END: { status: 400, message: 'La fin de la période doit être postérieure ou égale à son début.' },
  IN_FUTURE: { status: 400, message: 'La période ne peut pas se terminer dans le futur : choisissez une fin au plus tard aujourd’hui.' },
  TOO_LONG: { status: 400, message: `La période ne peut pas dépasser ${MAX_PERIOD_YEARS} ans.` },
  COMMENT_TOO_LONG: { status: 400, message: `Le commentaire ne peut pas dépasser ${COMMENT_MAX} caractères.` },
  CRITERION_INVALID: { status: 400, message: (p: { label: string }) => `${p.label} : choisissez une valeur de la liste.` },
  CRITERION_OUT_OF_SCOPE: { status: 403, message: (p: { label: string }) => `${p.label} : cette valeur est en dehors de votre périmètre.` },
  TOO_MANY_OPEN: {
    status: 429,
    message: `Vous avez déjà ${MAX_OPEN_ORDERS} commandes en attente ou en cours : attendez qu’une soit prête avant d’en envoyer une autre.`,
  },
});
