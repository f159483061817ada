/** Pages of the directory: search of establishments and services (R52), descriptive sheet, referent edit form (R50, R51), sync runs. */
import { FewReferentsBanner } from '../habilitations/referent-coverage.pages.js';
import type { ComponentChildren } from 'preact';
import { Alert, CsrfField, describedBy, ErrorSummary, Field, FieldFrame } from '../../views/components.js';
import { Layout, type Viewer } from '../../views/layout.js';
import { Pager } from '../habilitations/pager.js';
import type { DirectoryFilters } from './directory.repository.js';
import { DOCUMENT_TITLE_MAX, PHOTO_MAX_BYTES } from './directory.rules.js';

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

const dateTime = (date: Date) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(date);

const megabytes = (bytes: number) => `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(bytes / 1024 / 1024)} Mo`;
const fileSize = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} Ko` : megabytes(bytes));

export interface SearchRow {
  id: number;
  finess: string;
  name: string;
  category: string;
  domain_code: string | null;
  department_code: string;
  postcode: string | null;
  city: string | null;
  ror_synced: boolean;
  closed_at: Date | null;
}

/** A service as the sheet and the search show it (R52). */
interface ServiceFields {
  id: number;
  name: string;
  category: string | null;
  types: string | null;
  specialties: string | null;
  closed_at: Date | null;
  unit_name: string | null;
}

export interface ServiceRow extends ServiceFields {
  establishment_id: number;
  establishment_name: string;
  finess: string;
  domain_code: string | null;
  department_code: string;
  postcode: string | null;
  city: string | null;
  establishment_closed_at: Date | null;
}

const QUERY_NAMES: Record<Exclude<keyof DirectoryFilters, 'includeClosed'>, string> = {
  name: 'nom',
  finess: 'finess',
  category: 'categorie',
  domain: 'domaine',
  department: 'departement',
  city: 'commune',
};

export function filtersQuery(filters: DirectoryFilters, page?: number): string {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(QUERY_NAMES) as [keyof typeof QUERY_NAMES, string][]) if (filters[key]) params.set(name, filters[key]);
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

/** The main button of a form. */
function Submit({ label }: { label: string }) {
  return (
    <div class="form-actions">
      <button type="submit" class="button">
        {label}
      </button>
    </div>
  );
}

type Option = { code: string; name: string };

/** The three searches of the directory, the current one marked. */
function SearchTabs({ current }: { current: 'etablissements' | 'services' | 'unites' }) {
  const tabs = [
    ['etablissements', 'Établissements'],
    ['services', 'Services'],
    ['unites', 'Unités'],
  ] as const;
  return (
    <nav class="pager" aria-label="Rechercher dans l’annuaire">
      <ul>
        {tabs.map(([key, label]) => (
          <li>
            <a href={`/annuaire/${key}`} aria-current={key === current ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Select(props: { id: string; label: string; value: string; all: string; options: { value: string; label: string }[] }) {
  return (
    <div class="field">
      <label for={props.id} class="field__label">
        {props.label}
      </label>
      <select id={props.id} name={props.id} class="field__input">
        <option value="">{props.all}</option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The criteria of both searches (R52); a service is found by its establishment's FINESS, domain, department and town. */
function SearchForm(props: { target: 'etablissements' | 'services'; filters: DirectoryFilters; departments: Option[]; domains: Option[] }) {
  const f = props.filters;
  const services = props.target === 'services';
  return (
    <form method="get" action={`/annuaire/${props.target}`} class="form search-form" role="search">
      <div class="filters-grid">
        <Field id="nom" label={services ? 'Nom du service' : 'Nom'} value={f.name} maxLength={100} />
        <Field id="finess" label={services ? 'Numéro FINESS de l’établissement' : 'Numéro FINESS'} value={f.finess} maxLength={9} hint="Le début du numéro suffit." />
        <Field
          id="categorie"
          label={services ? 'Catégorie, type ou spécialité' : 'Catégorie'}
          value={f.category}
          maxLength={100}
          hint={services ? 'Par exemple : Hébergement, Consultation, Cardiologie.' : 'Par exemple : EHPAD, Centre hospitalier.'}
        />
        <Select id="domaine" label="Domaine" value={f.domain} all="Tous" options={props.domains.map((d) => ({ value: d.code, label: d.name }))} />
        <Select id="departement" label="Département" value={f.department} all="Tous" options={props.departments.map((d) => ({ value: d.code, label: `${d.code} – ${d.name}` }))} />
        <Field id="commune" label="Commune" value={f.city} maxLength={100} hint="Le début du nom suffit." />
      </div>
      <div class="checkbox">
        <input type="checkbox" id="fermes" name="fermes" value="1" checked={f.includeClosed} />
        <label for="fermes">{services ? 'Inclure les services fermés' : 'Inclure les établissements fermés'}</label>
      </div>
      <Submit label="Rechercher" />
    </form>
  );
}

type SearchProps<Row> = Frame & { filters: DirectoryFilters; departments: Option[]; domains: Option[]; result: { rows: Row[]; total: number; page: number; pages: number } };

const domainName = (domains: Option[], code: string | null) => (code ? (domains.find((d) => d.code === code)?.name ?? code) : '–');

/** A table with its caption (read by screen readers only when `hiddenCaption`) and column headers. */
function DataTable(props: { caption: string; hiddenCaption?: boolean; headers: string[]; children: ComponentChildren }) {
  return (
    <div class="table-scroll">
      <table>
        <caption class={props.hiddenCaption ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.headers.map((header) => (
              <th scope="col">{header}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** The results of a search: a status line when there are none, else a captioned table and its pages. */
function Results(props: { empty: string; caption: string; headers: string[]; pages: { page: number; pages: number; href: (page: number) => string }; children: ComponentChildren }) {
  if (props.pages.pages === 0) return <p role="status">{props.empty}</p>;
  return (
    <>
      <DataTable caption={`${props.caption} – page ${props.pages.page} sur ${props.pages.pages}`} headers={props.headers}>
        {props.children}
      </DataTable>
      <Pager page={props.pages.page} pages={props.pages.pages} href={props.pages.href} label="Pages de résultats" />
    </>
  );
}

const town = (row: { postcode: string | null; city: string | null }) => [row.postcode, row.city].filter(Boolean).join(' ');
const count = new Intl.NumberFormat('fr-FR');

export function SearchPage(props: SearchProps<SearchRow> & { canSync: boolean }) {
  const { rows, total, page, pages } = props.result;
  const f = props.filters;
  return (
    <Layout title="Annuaire des établissements" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Annuaire des établissements</h1>
      <SearchTabs current="etablissements" />
      <p>Recherchez un établissement par son nom, son numéro FINESS, sa catégorie, son domaine, son département ou sa commune.</p>
      {props.canSync ? (
        <p>
          <a href="/annuaire/synchronisation">Synchronisation avec le ROR</a>
        </p>
      ) : null}
      <SearchForm target="etablissements" filters={f} departments={props.departments} domains={props.domains} />
      <Results
        empty="Aucun établissement ne correspond à ces critères."
        caption={`${total} établissement${total > 1 ? 's' : ''}`}
        headers={['Nom', 'FINESS', 'Catégorie', 'Domaine', 'Commune', 'Département', 'État']}
        pages={{ page, pages: rows.length === 0 ? 0 : pages, href: (p) => `/annuaire/etablissements?${filtersQuery(f, p)}` }}
      >
        {rows.map((row) => (
          <tr>
            <td>
              <a href={`/annuaire/etablissements/${row.id}`}>{row.name}</a>
            </td>
            <td>{row.finess}</td>
            <td>{row.category}</td>
            <td>{domainName(props.domains, row.domain_code)}</td>
            <td>{town(row)}</td>
            <td>{row.department_code}</td>
            <td>
              {row.closed_at ? <span class="badge badge--danger">Fermé</span> : null}
              {row.ror_synced ? <span class="badge badge--ok">ROR</span> : null}
            </td>
          </tr>
        ))}
      </Results>
    </Layout>
  );
}

/** Labels of a service: its category, then its types and specialties. */
const serviceLabels = (s: { category: string | null; types: string | null; specialties: string | null }) => [s.category, s.types, s.specialties].filter(Boolean).join(' – ') || '–';

export function ServicesPage(props: SearchProps<ServiceRow> & { result: { capped: boolean } }) {
  const { rows, total, page, pages, capped } = props.result;
  const f = props.filters;
  return (
    <Layout title="Annuaire des services" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Annuaire des services</h1>
      <SearchTabs current="services" />
      <p>Recherchez ce que proposent les établissements : par le nom du service, sa catégorie, son type ou sa spécialité, et par le numéro FINESS, le domaine, le département ou la commune de l’établissement.</p>
      <SearchForm target="services" filters={f} departments={props.departments} domains={props.domains} />
      {capped && rows.length > 0 ? (
        <p role="status">
          Plus de {count.format(total)} services correspondent : seuls les {count.format(total)} premiers sont présentés. Précisez la recherche (domaine, département, commune…).
        </p>
      ) : null}
      <Results
        empty="Aucun service ne correspond à ces critères."
        caption={capped ? `Plus de ${count.format(total)} services` : `${total} service${total > 1 ? 's' : ''}`}
        headers={['Service', 'Catégorie, type, spécialité', 'Établissement', 'Domaine', 'Commune', 'Département', 'État']}
        pages={{ page, pages: rows.length === 0 ? 0 : pages, href: (p) => `/annuaire/services?${filtersQuery(f, p)}` }}
      >
        {rows.map((row) => (
          <tr>
            <td>
              {row.name}
              {row.unit_name ? <span class="muted"> ({row.unit_name})</span> : null}
            </td>
            <td>{serviceLabels(row)}</td>
            <td>
              <a href={`/annuaire/etablissements/${row.establishment_id}`}>{row.establishment_name}</a> <span class="muted">FINESS {row.finess}</span>
            </td>
            <td>{domainName(props.domains, row.domain_code)}</td>
            <td>{town(row)}</td>
            <td>{row.department_code}</td>
            <td>{row.closed_at || row.establishment_closed_at ? <span class="badge badge--danger">Fermé</span> : 'Ouvert'}</td>
          </tr>
        ))}
      </Results>
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
    domain_name: string | null;
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
  services: (ServiceFields & {
    location_name: string | null;
    location_address: string | null;
    location_postcode: string | null;
    location_city: string | null;
  })[];
  locations: { id: number; name: string | null; address: string | null; postcode: string | null; city: string | null; latitude: number | null; longitude: number | null; closed_at: Date | null }[];
  photos: { id: number; width: number; height: number; alt_text: string }[];
  documents: { id: number; title: string; filename: string; byte_size: number; created_at: Date }[];
  lastSync: Date | null;
  canEdit: boolean;
}

const placeText = (p: { address: string | null; postcode: string | null; city: string | null }) => [p.address, [p.postcode, p.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
const coordinate = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 4, maximumFractionDigits: 6 });

/** The documents of a sheet (R51): a download link each, with its size and date. */
function DocumentList({ documents, remove }: { documents: SheetData['documents']; remove?: (d: SheetData['documents'][number], index: number) => ComponentChildren }) {
  if (documents.length === 0) return <p>Aucun document.</p>;
  return (
    <ul>
      {documents.map((d, index) => (
        <li>
          <a href={`/annuaire/documents/${d.id}`} type="application/pdf">
            {d.title}
          </a>{' '}
          <span class="muted">
            (PDF, {fileSize(d.byte_size)}, ajouté le {dateTime(d.created_at)})
          </span>
          {remove ? remove(d, index) : null}
        </li>
      ))}
    </ul>
  );
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
  document: 'Le document est ajouté.',
  'document-retire': 'Le document est retiré.',
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
        <Row label="Domaine">{e.domain_name ?? 'Non renseigné'}</Row>
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
        <DataTable caption="Unités de l’établissement" hiddenCaption headers={['Unité', 'Code interne', 'État']}>
          {props.units.map((u) => (
            <tr>
              <td>{u.name}</td>
              <td>{u.internal_code ?? '–'}</td>
              <td>{u.closed_at ? <span class="badge badge--danger">Fermée</span> : 'Ouverte'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Services</h2>
      {props.services.length === 0 ? (
        <p>Aucun service renseigné.</p>
      ) : (
        <DataTable caption="Services de l’établissement" hiddenCaption headers={['Service', 'Catégorie, type, spécialité', 'Unité', 'Lieu', 'État']}>
          {props.services.map((s) => (
            <tr>
              <td>{s.name}</td>
              <td>{serviceLabels(s)}</td>
              <td>{s.unit_name ?? '–'}</td>
              <td>{[s.location_name, placeText({ address: s.location_address, postcode: s.location_postcode, city: s.location_city })].filter(Boolean).join(' – ') || '–'}</td>
              <td>{s.closed_at ? <span class="badge badge--danger">Fermé</span> : 'Ouvert'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {props.locations.length > 0 ? (
        <>
          <h2>Lieux</h2>
          <ul>
            {props.locations.map((l) => (
              <li>
                {[l.name, placeText(l)].filter(Boolean).join(' – ')}
                {l.latitude !== null && l.longitude !== null ? (
                  <span class="muted">
                    {' '}
                    (latitude {coordinate.format(l.latitude)}, longitude {coordinate.format(l.longitude)})
                  </span>
                ) : null}
                {l.closed_at ? <span class="badge badge--danger">Fermé</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Documents</h2>
      <DocumentList documents={props.documents} />
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

export function UnitsPage(props: Frame & { name: string; result: { rows: { id: number; name: string; internal_code: string | null; establishment_id: number; establishment_name: string; city: string | null }[]; total: number; page: number; pages: number } }) {
  const { rows, total, page, pages } = props.result;
  return (
    <Layout title="Annuaire des unités" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Annuaire des unités</h1>
      <SearchTabs current="unites" />
      <form method="get" action="/annuaire/unites" class="form search-form" role="search">
        <Field id="nom" label="Nom de l’unité" value={props.name} maxLength={100} />
        <Submit label="Rechercher" />
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

type RunCounts = { created: number; updated: number; closed: number; unchanged: number };
const KIND_LABELS: [string, string][] = [
  ['organizations', 'Organisations'],
  ['locations', 'Lieux'],
  ['services', 'Services'],
];

/** A run's counts per kind of ROR resource (runs before the services migration have none). */
function CountsByKind({ counts }: { counts: Record<string, RunCounts> }) {
  const kinds = KIND_LABELS.filter(([key]) => counts[key]);
  if (kinds.length === 0) return <>–</>;
  return (
    <ul>
      {kinds.map(([key, label]) => {
        const c = counts[key]!;
        return (
          <li>
            {label} : {c.created} créé(s), {c.updated} mis à jour, {c.closed} fermé(s), {c.unchanged} inchangé(s)
          </li>
        );
      })}
    </ul>
  );
}

export function SyncPage(
  props: Frame & {
    runs: (RunCounts & { id: number; kind: string; started_at: Date; finished_at: Date | null; status: string; counts_by_kind: Record<string, RunCounts>; error_count: number; errors: { resourceId: string; message: string }[]; message: string | null })[];
    configured: boolean;
    notice?: string | undefined;
    error?: string | undefined;
  },
) {
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
                <th scope="col">Par ressource</th>
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
                    <CountsByKind counts={r.counts_by_kind} />
                  </td>
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
