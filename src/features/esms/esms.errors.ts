/** Error catalogue of the ESMS notifications (French messages, stable codes). */
import { defineErrors } from '../../platform/errors.js';

export const esmsErrors = defineErrors({
  NOTIFICATION_NOT_FOUND: { status: 404, message: 'Cette notification n’existe pas ou ne vous est pas accessible.' },
  NO_ESMS: { status: 403, message: 'Vous ne détenez aucun profil ESMS : aucune notification ne vous est accessible.' },
  FOLLOWUP_FORBIDDEN: { status: 403, message: 'Votre profil ne permet pas de saisir le suivi de cette notification.' },
  FOLLOWUP_INVALID: { status: 400, message: 'Le suivi n’a pas été enregistré : corrigez les champs signalés.' },
  TRANSITION_NOT_ALLOWED: { status: 400, message: 'Ce statut ne peut pas suivre le statut actuel de la notification.' },
  DATE_IN_FUTURE: { status: 400, message: 'La date ne peut pas être dans le futur.' },
  DATE_BEFORE_DECISION: { status: 400, message: 'La date ne peut pas précéder la date de la décision.' },
  DATE_INVALID: { status: 400, message: 'Saisissez une date valide au format JJ/MM/AAAA.' },
  REASON_REQUIRED: { status: 400, message: 'Ce statut demande un motif : choisissez-en un dans la liste.' },
  REASON_NOT_EXPECTED: { status: 400, message: 'Ce statut ne prend pas de motif : laissez le motif vide.' },
  UNIT_INVALID: { status: 400, message: 'Choisissez une unité de l’établissement de la notification.' },
  COMMENT_TOO_LONG: { status: 400, message: 'Le commentaire ne peut pas dépasser 2 000 caractères.' },
  CHANGED_MEANWHILE: {
    status: 409,
    message: 'Cette notification a été modifiée entre-temps par quelqu’un d’autre. Relisez son état ci-dessous, puis recommencez si besoin.',
  },
  RETRIEVAL_NO_MATCH: {
    status: 404,
    message: 'Aucune notification ne correspond à ces trois informations. Vérifiez-les sur la notification papier.',
  },
  RETRIEVAL_INPUT: { status: 400, message: 'Saisissez la MDPH, le numéro individuel et la date de naissance.' },
  RETRIEVAL_THROTTLED: { status: 429, message: 'Trop de recherches en peu de temps. Réessayez dans quelques minutes.' },
  RETRIEVAL_CHOICE: { status: 400, message: 'Choisissez la décision et l’établissement qui la prend en charge.' },
  IMPORT_INVALID: { status: 400, message: 'Le fichier contient des erreurs : rien n’a été importé.' },
  IMPORT_FORBIDDEN: { status: 403, message: 'Ces établissements ne sont pas dans la région de ce client.' },
  CSV_TOO_LARGE: { status: 413, message: 'Le fichier CSV dépasse 5 Mo : découpez-le en plusieurs envois.' },
  CSV_FORM_INVALID: { status: 413, message: 'Envoyez un seul fichier CSV à la fois.' },
  IMPORT_APPLICATION_UNBOUND: { status: 403, message: 'Cette application n’est rattachée à aucune région pour l’import : un administrateur de région doit l’y rattacher (page « Import des décisions »).' },
  IMPORT_APPLICATION_UNKNOWN: { status: 400, message: 'Aucune application enregistrée avec la portée esms.import n’a cet identifiant, ou elle est déjà rattachée à une région.' },
  READ_APPLICATION_UNBOUND: { status: 403, message: 'Cette application n’est rattachée à aucun ESMS pour la lecture des statuts : un administrateur de région doit l’y rattacher (page « Import des décisions »).' },
  READ_APPLICATION_UNKNOWN: { status: 400, message: 'Aucune application enregistrée avec la portée esms.read n’a cet identifiant, ou elle est déjà rattachée à cet établissement.' },
  READ_ESTABLISHMENT_OUTSIDE: { status: 400, message: 'Aucun établissement de votre région n’a ce numéro FINESS.' },
  READ_BINDING_UNKNOWN: { status: 400, message: 'Ce rattachement n’existe plus ou ne concerne pas un établissement de votre région.' },
  API_CLIENT_REGION: { status: 400, message: 'Choisissez une région de votre périmètre.' },
});
