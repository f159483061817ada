/** Pages of the directory: search (R52), descriptive sheet, referent edit form (R50, R51), sync runs. */
import { FewReferentsBanner } from '../habilitations/referent-coverage.pages.js';
import type { ComponentChildren } from 'preact';
import { Alert, CsrfField, describedBy, ErrorSummary, Field, FieldFrame } from '../../views/components.js';
import { Layout, type Viewer } from '../../views/layout.js';
import { Pager } from '../habilitations/pager.js';
import type { DirectoryFilters } from './directory.repository.js';
import { PHOTO_MAX_BYTES } from './directory.rules.js';

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

const dateTime = (date: Date) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(date);

export interface SearchRow {
  id: number;
  finess: string;
  name: string;
  category: string;
  department_code: string;
  postcode: string | null;
  city: string | null;
  ror_synced: boolean;
  closed_at: Date | null;
}

export function filtersQuery(filters: DirectoryFilters, page?: number): string {
  const params = new URLSearchParams();
  for (const key of ['name', 'finess', 'category', 'department', 'city'] as const) if (filters[key]) params.set(key === 'name' ? 'nom' : key === 'category' ? 'categorie' : key === 'department' ? 'departement' : key === 'city' ? 'commune' : 'finess', filters[key]);
  if (filters.includeClosed) params.set('fermes', '1');
  if (page) params.set('page', String(page));
  return params.toString();
}

function RorMarker({ synced, lastSync }: { synced: boolean; lastSync: Date | null }) {
  if (!synced) return <span class="badge badge--muted">Non synchronisé – fiche modifiable par son référent</span>;
  return (
    <span class="badge badge--ok ror-marker">
      Synchronisé ROR{lastSync ? ` – dernière synchronisation le ${dateTime(lastSync)}` : ''}
    </span>
  );
}

export function SearchPage(props: Frame & { filters: DirectoryFilters; departments: { code: string; name: string }[]; result: { rows: SearchRow[]; total: number; page: number; pages: number }; canSync: boolean }) {
  const { rows, total, page, pages } = props.result;
  const f = props.filters;
  return (
    <Layout title="Annuaire des établissements" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Annuaire des établissements</h1>
      <p>Recherchez un établissement par son nom, son numéro FINESS, sa catégorie, son département ou sa commune.</p>
      {props.canSync ? (
        <p>
          <a href="/annuaire/synchronisation">Synchronisation avec le ROR</a>
        </p>
      ) : null}
      <form method="get" action="/annuaire/etablissements" class="form search-form" role="search">
        <div class="filters-grid">
          <Field id="nom" label="Nom" value={f.name} maxLength={100} />
          <Field id="finess" label="Numéro FINESS" value={f.finess} maxLength={9} hint="Le début du numéro suffit." />
          <Field id="categorie" label="Catégorie" value={f.category} maxLength={100} hint="Par exemple : EHPAD, Centre hospitalier." />
          <div class="field">
            <label for="departement" class="field__label">
              Département
            </label>
            <select id="departement" name="departement" class="field__input">
              <option value="">Tous</option>
              {props.departments.map((d) => (
                <option value={d.code} selected={d.code === f.department}>
                  {d.code} – {d.name}
                </option>
              ))}
            </select>
          </div>
          <Field id="commune" label="Commune" value={f.city} maxLength={100} hint="Le début du nom suffit." />
        </div>
        <div class="checkbox">
          <input type="checkbox" id="fermes" name="fermes" value="1" checked={f.includeClosed} />
          <label for="fermes">Inclure les établissements fermés</label>
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Rechercher
          </button>
        </div>
      </form>
      {rows.length === 0 ? (
        <p role="status">Aucun établissement ne correspond à ces critères.</p>
      ) : (
        <>
          <div class="table-scroll">
            <table>
              <caption>
                {total} établissement{total > 1 ? 's' : ''} – page {page} sur {pages}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">FINESS</th>
                  <th scope="col">Catégorie</th>
                  <th scope="col">Commune</th>
                  <th scope="col">Département</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr>
                    <td>
                      <a href={`/annuaire/etablissements/${row.id}`}>{row.name}</a>
                    </td>
                    <td>{row.finess}</td>
                    <td>{row.category}</td>
                    <td>{[row.postcode, row.city].filter(Boolean).join(' ')}</td>
                    <td>{row.department_code}</td>
                    <td>
                      {row.closed_at ? <span class="badge badge--danger">Fermé</span> : null}
                      {row.ror_synced ? <span class="badge badge--ok">ROR</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} href={(p) => `/annuaire/etablissements?${filtersQuery(f, p)}`} label="Pages de résultats" />
        </>
      )}
    </Layout>
  );
}

export interface SheetData {
  /** R25: active structure referents today; the structure's referents see a banner under 2. */
  referents?: number;
  establishment: {
    id: number;
    finess: string;
    name: string;
    category: string;
    department_code: string;
    department_name: string;
    address: string | null;
    postcode: string | null;
    city: string | null;
    phone: string | null;
    email: string | null;
    ror_synced: boolean;
    ror_synced_at: Date | null;
    description: string | null;
    access_itinerary: string | null;
    closed_at: Date | null;
    legal_entity_name: string | null;
    legal_entity_finess: string | null;
  };
  units: { id: number; name: string; internal_code: string | null; ror_id: string | null; closed_at: Date | null }[];
  photos: { id: number; width: number; height: number; alt_text: string }[];
  lastSync: Date | null;
  canEdit: boolean;
}

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const NOTICES: Record<string, string> = {
  fiche: 'La fiche est enregistrée.',
  photo: 'La photographie est ajoutée.',
  'photo-retiree': 'La photographie est retirée.',
};

export function SheetPage(props: Frame & SheetData & { notice?: string | undefined }) {
  const e = props.establishment;
  return (
    <Layout title={e.name} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p>
        <a href="/annuaire/etablissements">Retour à la recherche</a>
      </p>
      <h1>{e.name}</h1>
      {props.notice && NOTICES[props.notice] ? <Alert kind="success">{NOTICES[props.notice]}</Alert> : null}
      <p>
        <RorMarker synced={e.ror_synced} lastSync={props.lastSync ?? e.ror_synced_at} />
        {e.closed_at ? <span class="badge badge--danger">Fermé depuis le {dateTime(e.closed_at)}</span> : null}
      </p>
      {props.canEdit && props.referents !== undefined ? <FewReferentsBanner structureName={e.name} referents={props.referents} /> : null}
      {props.canEdit ? (
        <p>
          <a href={`/annuaire/etablissements/${e.id}/modifier`} class="button button--secondary">
            Modifier la fiche
          </a>
        </p>
      ) : null}
      <h2>Identité</h2>
      <dl class="summary-list">
        <Row label="Numéro FINESS">{e.finess}</Row>
        <Row label="Catégorie">{e.category}</Row>
        <Row label="Entité juridique">{e.legal_entity_name ? `${e.legal_entity_name} (FINESS ${e.legal_entity_finess})` : 'Non renseignée'}</Row>
        <Row label="Département">
          {e.department_code} – {e.department_name}
        </Row>
      </dl>
      <h2>Adresse et contact</h2>
      <dl class="summary-list">
        <Row label="Adresse">{[e.address, [e.postcode, e.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') || 'Non renseignée'}</Row>
        <Row label="Téléphone">{e.phone ?? 'Non renseigné'}</Row>
        <Row label="Adresse e-mail">{e.email ?? 'Non renseignée'}</Row>
      </dl>
      <h2>Description</h2>
      <p class="prewrap">{e.description ?? 'Aucune description.'}</p>
      <h2>Itinéraire d’accès</h2>
      <p class="prewrap">{e.access_itinerary ?? 'Aucun itinéraire renseigné.'}</p>
      <h2>Unités</h2>
      {props.units.length === 0 ? (
        <p>Aucune unité.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Unités de l’établissement</caption>
          <thead>
            <tr>
              <th scope="col">Unité</th>
              <th scope="col">Code interne</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {props.units.map((u) => (
              <tr>
                <td>{u.name}</td>
                <td>{u.internal_code ?? '–'}</td>
                <td>{u.closed_at ? <span class="badge badge--danger">Fermée</span> : 'Ouverte'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Photographies</h2>
      {props.photos.length === 0 ? (
        <p>Aucune photographie.</p>
      ) : (
        <ul class="photo-list">
          {props.photos.map((p, index) => (
            <li>
              <a href={`/annuaire/photos/${p.id}`}>
                <img src={`/annuaire/photos/${p.id}/miniature`} alt={p.alt_text || `Photographie ${index + 1} de ${e.name}`} width={320} />
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
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

function TextArea(props: { id: string; label: string; value: string; hint: string; error?: string | undefined }) {
  return (
    <FieldFrame id={props.id} label={props.label} hint={props.hint} error={props.error}>
      <textarea
        id={props.id}
        name={props.id}
        rows={6}
        maxLength={4000}
        class="field__input field__textarea"
        aria-describedby={describedBy(props.id, props.hint, props.error)}
        aria-invalid={props.error ? 'true' : undefined}
      >
        {props.value}
      </textarea>
    </FieldFrame>
  );
}

export function EditPage(props: Frame & SheetData & { values: EditValues; errors: Record<string, string>; photoError?: string | undefined }) {
  const e = props.establishment;
  const synced = e.ror_synced;
  const errorList = Object.entries(props.errors).map(([field, message]) => ({ field, message }));
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
          {synced ? (
            <>
              <p class="field__hint" id="ror-hint">
                Ces informations viennent du ROR : elles se corrigent dans le ROR et ne sont pas modifiables ici.
              </p>
              <dl class="summary-list ror-owned">
                {IDENTITY_LABELS.map(([key, label]) => (
                  <div>
                    <dt>
                      {label} <span class="ror-tag">synchronisé ROR</span>
                    </dt>
                    <dd>{props.values.identity[key] || 'Non renseigné'}</dd>
                  </div>
                ))}
              </dl>
            </>
          ) : (
            IDENTITY_LABELS.map(([key, label]) => (
              <Field id={key} label={label} value={props.values.identity[key]} error={props.errors[key]} maxLength={key === 'address' ? 300 : 200} {...(key === 'email' ? { type: 'email', autocomplete: 'off' } : {})} />
            ))
          )}
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
        <div class="form-actions">
          <button type="submit" class="button">
            Enregistrer la fiche
          </button>
        </div>
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
        <div class="form-actions">
          <button type="submit" class="button">
            Envoyer la photographie
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function UnitsPage(props: Frame & { name: string; result: { rows: { id: number; name: string; internal_code: string | null; establishment_id: number; establishment_name: string; city: string | null }[]; total: number; page: number; pages: number } }) {
  const { rows, total, page, pages } = props.result;
  return (
    <Layout title="Annuaire des unités" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Annuaire des unités</h1>
      <form method="get" action="/annuaire/unites" class="form search-form" role="search">
        <Field id="nom" label="Nom de l’unité" value={props.name} maxLength={100} />
        <div class="form-actions">
          <button type="submit" class="button">
            Rechercher
          </button>
        </div>
      </form>
      {rows.length === 0 ? (
        <p role="status">Aucune unité ne correspond.</p>
      ) : (
        <>
          <table>
            <caption>
              {total} unité{total > 1 ? 's' : ''} – page {page} sur {pages}
            </caption>
            <thead>
              <tr>
                <th scope="col">Unité</th>
                <th scope="col">Code interne</th>
                <th scope="col">Établissement</th>
                <th scope="col">Commune</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr>
                  <td>{u.name}</td>
                  <td>{u.internal_code ?? '–'}</td>
                  <td>
                    <a href={`/annuaire/etablissements/${u.establishment_id}`}>{u.establishment_name}</a>
                  </td>
                  <td>{u.city ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} pages={pages} href={(p) => `/annuaire/unites?${new URLSearchParams({ nom: props.name, page: String(p) }).toString()}`} label="Pages de résultats" />
        </>
      )}
    </Layout>
  );
}

export function SyncPage(props: Frame & { runs: { id: number; kind: string; started_at: Date; finished_at: Date | null; status: string; created: number; updated: number; closed: number; unchanged: number; error_count: number; errors: { resourceId: string; message: string }[]; message: string | null }[]; configured: boolean; notice?: string | undefined; error?: string | undefined }) {
  const STATUS: Record<string, string> = { running: 'En cours', succeeded: 'Réussie', partial: 'Réussie avec des erreurs', failed: 'Échouée' };
  return (
    <Layout title="Synchronisation avec le ROR" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Synchronisation avec le ROR</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      {props.configured ? (
        <form method="post" action="/annuaire/synchronisation" class="form">
          <CsrfField token={props.csrfToken} />
          <button type="submit" class="button">
            Synchroniser maintenant
          </button>
        </form>
      ) : (
        <p>La synchronisation n’est pas configurée (ROR_BASE_URL absent).</p>
      )}
      {props.runs.length === 0 ? (
        <p>Aucune synchronisation pour l’instant.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>Dernières synchronisations</caption>
            <thead>
              <tr>
                <th scope="col">Début</th>
                <th scope="col">Fin</th>
                <th scope="col">Type</th>
                <th scope="col">Statut</th>
                <th scope="col">Créés</th>
                <th scope="col">Mis à jour</th>
                <th scope="col">Fermés</th>
                <th scope="col">Inchangés</th>
                <th scope="col">Erreurs</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr>
                  <td>{dateTime(r.started_at)}</td>
                  <td>{r.finished_at ? dateTime(r.finished_at) : '–'}</td>
                  <td>{r.kind === 'full' ? 'Complète' : 'Différentielle'}</td>
                  <td>
                    {STATUS[r.status] ?? r.status}
                    {r.message ? <span class="muted"> – {r.message}</span> : null}
                  </td>
                  <td>{r.created}</td>
                  <td>{r.updated}</td>
                  <td>{r.closed}</td>
                  <td>{r.unchanged}</td>
                  <td>
                    {r.error_count}
                    {r.errors.length > 0 ? (
                      <ul>
                        {r.errors.slice(0, 10).map((err) => (
                          <li>
                            {err.resourceId} : {err.message}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
