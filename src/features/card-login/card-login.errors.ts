/** Error catalogue of card and e-CPS login (R12–R16): stable codes, French messages users read. */
import { defineErrors } from '../../platform/errors.js';

export const cardLoginErrors = defineErrors({
  PSC_UNAVAILABLE: {
    status: 503,
    message: 'Pro Santé Connect ne répond pas pour le moment. Réessayez dans quelques minutes ou connectez-vous avec votre nom d’utilisateur et votre mot de passe.',
  },
  // One message whatever failed (state, nonce, code, signature): an attacker learns nothing from it.
  PSC_REFUSED: {
    status: 400,
    message: 'La connexion par Pro Santé Connect n’a pas pu être vérifiée (demande expirée, déjà utilisée ou invalide). Recommencez depuis la page de connexion.',
  },
  PSC_LEVEL_TOO_LOW: {
    status: 403,
    message: 'Votre authentification Pro Santé Connect n’est pas d’un niveau suffisant. Connectez-vous avec votre e-CPS ou votre carte CPS.',
  },
  IDENTITY_INVALID: {
    status: 400,
    message: 'L’identité transmise ne comporte pas de numéro RPPS ou ADELI valide. Connectez-vous avec votre nom d’utilisateur et votre mot de passe.',
  },
  PAIRING_EXPIRED: {
    status: 400,
    message: 'Cette étape a expiré ou a déjà servi. Recommencez la connexion depuis la page de connexion.',
  },
  PAIRING_NEEDS_CODE: {
    status: 403,
    message:
      'Pour associer cette identité à votre compte, connectez-vous d’abord une fois sur ce poste avec votre nom d’utilisateur, votre mot de passe et le code reçu, puis recommencez : l’association se fera aussitôt.',
  },
  PAIRING_RPPS_MISMATCH: {
    status: 403,
    message: 'Le numéro RPPS de cette identité n’est pas celui de ce compte : l’association est refusée.',
  },
  // R12, R13: one identity per account — the RPPS recorded at the first pairing is the only one.
  PAIRING_RPPS_TAKEN: {
    status: 409,
    message: 'Ce numéro RPPS est déjà celui d’un autre compte : un professionnel n’a qu’un compte. Contactez le référent de votre structure.',
  },
  IDENTITY_ALREADY_PAIRED: {
    status: 409,
    message: 'Ce compte est déjà associé à une autre identité de ce type. Contactez le référent de votre structure.',
  },
});

export const liberalErrors = defineErrors({
  LIBERAL_INVALID: { status: 400, message: 'Le formulaire comporte des erreurs : corrigez les champs signalés.' },
  LIBERAL_NOT_RPPS: {
    status: 400,
    message: 'La création de compte par e-CPS est réservée aux professionnels identifiés par un numéro RPPS. Contactez le référent de votre structure.',
  },
  LIBERAL_ALREADY_EXISTS: {
    status: 409,
    message: 'Un compte existe déjà pour ce numéro RPPS. Connectez-vous avec votre nom d’utilisateur et votre mot de passe pour y associer votre e-CPS.',
  },
  LIBERAL_EMAIL_USED: {
    status: 409,
    message: 'Cette adresse e-mail est déjà celle d’un autre compte. Utilisez « Mot de passe oublié » pour retrouver ce compte, ou choisissez une autre adresse.',
  },
  EMAIL_LINK_INVALID: { status: 400, message: 'Ce lien n’est plus valable : il a expiré ou a déjà servi.' },
});

export const cardErrors = defineErrors({
  CARD_ABSENT: {
    status: 400,
    message: 'Aucune carte CPS n’a été présentée. Insérez votre carte dans le lecteur, fermez le navigateur puis réessayez, ou connectez-vous avec votre nom d’utilisateur et votre mot de passe.',
  },
  CARD_EXPIRED: { status: 403, message: 'Le certificat de votre carte CPS a expiré ou n’est pas encore valable. Utilisez une carte en cours de validité.' },
  CARD_REFUSED: {
    status: 403,
    message: 'Votre carte CPS n’a pas pu être vérifiée : son certificat n’est pas émis par une autorité reconnue ou n’est pas prévu pour la connexion.',
  },
  CARD_DISABLED: { status: 404, message: 'La connexion par carte CPS n’est pas disponible sur ce service.' },
  CARD_REVOKED: {
    status: 403,
    message: 'Votre carte CPS a été révoquée (carte perdue, volée ou remplacée). Utilisez votre nouvelle carte, votre e-CPS, ou connectez-vous avec votre nom d’utilisateur et votre mot de passe.',
  },
  // Fail closed: without a current revocation list, a lost card cannot be told from a valid one.
  CARD_REVOCATION_UNKNOWN: {
    status: 503,
    message: 'La validité de votre carte CPS ne peut pas être vérifiée pour le moment. Réessayez plus tard, ou connectez-vous avec votre e-CPS ou votre nom d’utilisateur et votre mot de passe.',
  },
});

export const partnerErrors = defineErrors({
  PARTNER_UNKNOWN: { status: 404, message: 'Ce site partenaire n’est pas connu de Habilis.' },
  PARTNER_UNAVAILABLE: { status: 503, message: 'Le site partenaire ne répond pas pour le moment. Connectez-vous directement sur Habilis.' },
  PARTNER_REFUSED: {
    status: 400,
    message: 'La connexion depuis le site partenaire n’a pas pu être vérifiée (demande expirée, déjà utilisée ou invalide). Connectez-vous directement sur Habilis.',
  },
  // R16: say why, and what to do instead.
  PARTNER_NOT_STRONG: {
    status: 403,
    message:
      'Habilis n’accepte une connexion depuis un site partenaire que si vous vous y êtes connecté avec une méthode forte (carte CPS, e-CPS ou code à usage unique) il y a peu. Reconnectez-vous sur le site partenaire avec une méthode forte, ou connectez-vous directement sur Habilis.',
  },
});
