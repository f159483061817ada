/** The referent's edit form of a sheet (R50, R51): identity when the ROR does not own it, description, itinerary, unit codes, photographs, documents. */
import { Alert, CsrfField, describedBy, ErrorSummary, Field, FieldFrame } from '../../views/components.js';
import { Submit, TextArea } from '../../views/form-controls.js';
import { megabytes } from '../../views/format.js';
import { Layout, type Viewer } from '../../views/layout.js';
import { DOCUMENT_TITLE_MAX, PHOTO_MAX_BYTES, rorOwnedFields } from './directory.rules.js';
import { DocumentList, RorMarker, type SheetData } from './directory-sheet.pages.js';

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

export interface EditValues {
  description: string;
  accessItinerary: string;
  identity: Record<'finess' | 'name' | 'category' | 'address' | 'postcode' | 'city' | 'phone' | 'email', string>;
  unitCodes: Record<number, string>;
}

export function valuesOf(sheet: SheetData): EditValues {
  const e = sheet.establishment;
  return {
    description: e.description ?? '',
    accessItinerary: e.access_itinerary ?? '',
    identity: {
      finess: e.finess,
      name: e.name,
      category: e.category,
      address: e.address ?? '',
      postcode: e.postcode ?? '',
      city: e.city ?? '',
      phone: e.phone ?? '',
      email: e.email ?? '',
    },
    unitCodes: Object.fromEntries(sheet.units.map((u) => [u.id, u.internal_code ?? ''])),
  };
}

const IDENTITY_LABELS: [keyof EditValues['identity'], string][] = [
  ['finess', 'Numéro FINESS'],
  ['name', 'Nom'],
  ['category', 'Catégorie'],
  ['address', 'Adresse'],
  ['postcode', 'Code postal'],
  ['city', 'Commune'],
  ['phone', 'Téléphone'],
  ['email', 'Adresse e-mail'],
];

export function EditPage(
  props: Frame &
    SheetData & {
      values: EditValues;
      errors: Record<string, string>;
      photoError?: string | undefined;
      /** R51: refusals of the document form, at their field (document, documentTitle). */
      documentErrors?: Readonly<Record<string, string>>;
      documentTitle?: string;
      documentMaxBytes: number;
    },
) {
  const e = props.establishment;
  const synced = e.ror_synced;
  // R50: what the ROR sends is read-only; a phone or e-mail it does not send is the referent's.
  const owned = rorOwnedFields(e);
  // One summary at the top for every form of the page, each message linked to its field.
  const errorList = Object.entries({ ...props.errors, ...props.documentErrors }).map(([field, message]) => ({ field, message }));
  return (
    <Layout title={`Modifier la fiche – ${e.name}`} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p>
        <a href={`/annuaire/etablissements/${e.id}`}>Retour à la fiche</a>
      </p>
      <h1>Modifier la fiche – {e.name}</h1>
      <p>
        <RorMarker synced={synced} lastSync={props.lastSync ?? e.ror_synced_at} />
      </p>
      <ErrorSummary errors={errorList} />
      <form method="post" action={`/annuaire/etablissements/${e.id}/modifier`} class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <fieldset class="fieldset">
          <legend>Identité et adresse</legend>
          {owned.length > 0 ? (
            <>
              <p class="field__hint" id="ror-hint">
                Ces informations viennent du ROR : elles se corrigent dans le ROR et ne sont pas modifiables ici.
              </p>
              <dl class="summary-list ror-owned">
                {IDENTITY_LABELS.filter(([key]) => owned.includes(key)).map(([key, label]) => (
                  <div>
                    <dt>
                      {label} <span class="ror-tag">synchronisé ROR</span>
                    </dt>
                    <dd>{props.values.identity[key] || 'Non renseigné'}</dd>
                  </div>
                ))}
              </dl>
            </>
          ) : null}
          {synced && owned.length < IDENTITY_LABELS.length ? <p class="field__hint">Le ROR ne transmet pas ces informations : elles se renseignent ici.</p> : null}
          {IDENTITY_LABELS.filter(([key]) => !owned.includes(key)).map(([key, label]) => (
            <Field id={key} label={label} value={props.values.identity[key]} error={props.errors[key]} maxLength={key === 'address' ? 300 : 200} {...(key === 'email' ? { type: 'email', autocomplete: 'off' } : {})} />
          ))}
        </fieldset>
        <TextArea id="description" label="Description" value={props.values.description} hint="Présentation de l’établissement, 4 000 caractères au plus." error={props.errors.description} />
        <TextArea id="accessItinerary" label="Itinéraire d’accès" value={props.values.accessItinerary} hint="Comment venir : transports, parking, entrée. 4 000 caractères au plus." error={props.errors.accessItinerary} />
        {props.units.length > 0 ? (
          <fieldset class="fieldset">
            <legend>Codes internes des unités</legend>
            {props.units.map((u) => (
              <Field id={`unit-${u.id}`} label={`Code interne – ${u.name}`} value={props.values.unitCodes[u.id] ?? ''} error={props.errors[`unit-${u.id}`]} maxLength={50} />
            ))}
          </fieldset>
        ) : null}
        <Submit label="Enregistrer la fiche" />
      </form>
      <h2>Photographies</h2>
      {props.photos.length > 0 ? (
        <ul class="photo-list">
          {props.photos.map((p, index) => (
            <li>
              <img src={`/annuaire/photos/${p.id}/miniature`} alt={p.alt_text || `Photographie ${index + 1}`} width={320} />
              <form method="post" action={`/annuaire/etablissements/${e.id}/photos/${p.id}/retirer`} class="inline-form">
                <CsrfField token={props.csrfToken} />
                <button type="submit" class="button button--danger button--small">
                  Retirer la photographie {index + 1}
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p>Aucune photographie.</p>
      )}
      {props.photoError ? <Alert kind="error">{props.photoError}</Alert> : null}
      <form method="post" action={`/annuaire/etablissements/${e.id}/photos`} enctype="multipart/form-data" class="form">
        <CsrfField token={props.csrfToken} />
        <div class="field">
          <label for="photo" class="field__label">
            Ajouter une photographie
          </label>
          <p id="photo-hint" class="field__hint">
            JPEG, PNG ou WebP, {PHOTO_MAX_BYTES / 1024 / 1024} Mo au plus.
          </p>
          <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" aria-describedby="photo-hint" class="field__input" />
        </div>
        <Field id="alt" label="Texte alternatif (ce que montre la photographie)" maxLength={200} />
        <Submit label="Envoyer la photographie" />
      </form>
      <DocumentsForm {...props} />
    </Layout>
  );
}

/** R51: the sheet's documents, each removable, and the form that adds a PDF (its refusals at the field). */
function DocumentsForm(props: Frame & SheetData & { documentErrors?: Readonly<Record<string, string>>; documentTitle?: string; documentMaxBytes: number }) {
  const e = props.establishment;
  const errors = props.documentErrors ?? {};
  const hint = `Un document PDF, ${megabytes(props.documentMaxBytes)} au plus. Son contenu est vérifié.`;
  return (
    <>
      <h2 id="documents">Documents</h2>
      <DocumentList
        documents={props.documents}
        remove={(d, index) => (
          <form method="post" action={`/annuaire/etablissements/${e.id}/documents/${d.id}/retirer`} class="inline-form">
            <CsrfField token={props.csrfToken} />
            <button type="submit" class="button button--danger button--small" aria-label={`Retirer le document ${d.title}`}>
              Retirer le document {index + 1}
            </button>
          </form>
        )}
      />
      <form method="post" action={`/annuaire/etablissements/${e.id}/documents`} enctype="multipart/form-data" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <FieldFrame id="document" label="Ajouter un document" hint={hint} error={errors.document}>
          <input
            id="document"
            name="document"
            type="file"
            accept="application/pdf,.pdf"
            class="field__input"
            aria-describedby={describedBy('document', hint, errors.document)}
            aria-invalid={errors.document ? 'true' : undefined}
          />
        </FieldFrame>
        <Field id="documentTitle" label="Intitulé du document" value={props.documentTitle ?? ''} maxLength={DOCUMENT_TITLE_MAX} hint="Par exemple : Livret d’accueil. Sans intitulé, le nom du fichier est repris." error={errors.documentTitle} />
        <Submit label="Envoyer le document" />
      </form>
    </>
  );
}

