/** Error catalogue of the directory (R50–R52): stable codes, French messages. */
import { defineErrors, DomainError } from '../../platform/errors.js';

export const directoryErrors = defineErrors({
  ESTABLISHMENT_NOT_FOUND: { status: 404, message: 'Cet établissement n’existe pas dans l’annuaire.' },
  /** The API's search (scope directory.read) with a parameter it does not understand: the message per parameter. */
  DIRECTORY_QUERY_INVALID: { status: 400, message: 'La recherche est mal formée : voyez le détail par paramètre et la documentation /documentation/api.' },
  UNIT_NOT_FOUND: { status: 404, message: 'Cette unité n’existe pas dans l’annuaire.' },
  PHOTO_NOT_FOUND: { status: 404, message: 'Cette photographie n’existe pas ou a été retirée.' },
  DIRECTORY_EDIT_FORBIDDEN: {
    status: 403,
    message: 'Vous ne pouvez modifier que la fiche des établissements de votre périmètre de référent.',
  },
  DIRECTORY_FORM_INVALID: { status: 400, message: 'La fiche n’a pas été enregistrée : corrigez les champs signalés.' },
  FINESS_ALREADY_USED: { status: 409, message: 'Ce numéro FINESS est déjà celui d’un autre établissement.' },
  SYNC_FORBIDDEN: {
    status: 403,
    message: 'Seuls les administrateurs régionaux de l’annuaire peuvent lancer une synchronisation avec le ROR.',
  },
  SYNC_DISABLED: { status: 409, message: 'La synchronisation avec le ROR n’est pas configurée (ROR_BASE_URL absent).' },
  SYNC_UNAVAILABLE: { status: 503, message: 'Les tâches de fond ne tournent pas : la synchronisation n’a pas pu être demandée.' },
  PHOTO_MISSING: { status: 400, message: 'Choisissez une photographie à envoyer.' },
  PHOTO_TYPE_REFUSED: {
    status: 415,
    message: 'Ce fichier n’est pas une image JPEG, PNG ou WebP : il a été refusé (le contenu est vérifié, pas le nom).',
  },
  PHOTO_CORRUPT: { status: 422, message: 'Cette image est illisible ou abîmée : elle a été refusée.' },
  PHOTO_TOO_LARGE: { status: 413, message: 'Cette photographie dépasse 5 Mo : réduisez-la puis recommencez.' },
  PHOTO_DIMENSIONS: { status: 422, message: 'Cette image est trop grande (plus de 8 000 pixels de côté) : réduisez-la puis recommencez.' },
  PHOTO_LIMIT: { status: 409, message: 'Un établissement a au plus 12 photographies : retirez-en une avant d’en ajouter.' },
  DOCUMENT_NOT_FOUND: { status: 404, message: 'Ce document n’existe pas ou a été retiré.' },
  DOCUMENT_MISSING: { status: 400, message: 'Choisissez un document PDF à envoyer.' },
  DOCUMENT_TYPE_REFUSED: {
    status: 415,
    message: 'Ce fichier n’est pas un document PDF : il a été refusé (le contenu est vérifié, pas le nom ni le type annoncé).',
  },
  DOCUMENT_CORRUPT: { status: 422, message: 'Ce document PDF est incomplet ou abîmé (sa fin de fichier manque) : il a été refusé.' },
  DOCUMENT_TOO_LARGE: { status: 413, message: 'Ce document dépasse la taille autorisée : réduisez-le puis recommencez.' },
  DOCUMENT_TITLE_TOO_LONG: { status: 400, message: 'L’intitulé fait au plus 200 caractères.' },
  DOCUMENT_LIMIT: { status: 409, message: 'Un établissement a au plus 20 documents : retirez-en un avant d’en ajouter.' },
  /** A photograph's alternative text the input gate refuses (controls, over 200 characters): refused, never cut (issue 12). */
  PHOTO_ALT_INVALID: { status: 400, message: (p: { message: string }) => p.message },
  /** A title or a file name the input gate refuses (controls, too long): its message names the field (issue 12). */
  DOCUMENT_NAME_INVALID: { status: 400, message: (p: { message: string }) => p.message },
  DOCUMENT_FORM_INVALID: { status: 413, message: 'Envoyez un seul document à la fois.' },
});

/** The form field each document refusal belongs to (R51: the message is shown at the field). */
export const DOCUMENT_FIELD = { document: 'document', title: 'documentTitle' } as const;

/** A document refusal, its French message at the field. */
export function documentRefusal(
  code: 'DOCUMENT_MISSING' | 'DOCUMENT_TYPE_REFUSED' | 'DOCUMENT_CORRUPT' | 'DOCUMENT_TITLE_TOO_LONG' | 'DOCUMENT_LIMIT' | 'DOCUMENT_FORM_INVALID',
): DomainError {
  const { message } = directoryErrors.definitions[code];
  return directoryErrors[code]({ [code === 'DOCUMENT_TITLE_TOO_LONG' ? DOCUMENT_FIELD.title : DOCUMENT_FIELD.document]: message });
}

/** The size refusal names the configured limit (DIRECTORY_DOCUMENT_MAX_MB). */
export function documentTooLarge(maxBytes: number): DomainError {
  const message = `Ce document dépasse ${Math.round(maxBytes / 1024 / 1024)} Mo : réduisez-le (par exemple en l’enregistrant en qualité « écran ») puis recommencez.`;
  return new DomainError('DOCUMENT_TOO_LARGE', message, 413, { [DOCUMENT_FIELD.document]: message });
}
