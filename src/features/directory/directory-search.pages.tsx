/** Pages of the directory's searches (R52): establishments, services and units, accents and case ignored. */
import { Field } from '../../views/components.js';
import { Submit, Select } from '../../views/form-controls.js';
import { Layout, type Viewer } from '../../views/layout.js';
import { count } from '../../views/format.js';
import { DataTable } from '../../views/tables.js';
import { Pager } from '../habilitations/pager.js';
import type { ComponentChildren } from 'preact';
import type { DirectoryFilters } from './directory.repository.js';

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

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
export interface ServiceFields {
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
  address: 'adresse',
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
        <Field id="commune" label="Commune" value={f.city} maxLength={100} hint="Le début du nom suffit, avec ou sans accents." />
        <Field id="adresse" label={services ? 'Adresse de l’établissement' : 'Adresse'} value={f.address} maxLength={100} hint="Une partie de l’adresse, avec ou sans accents." />
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

export function SearchPage(props: SearchProps<SearchRow> & { canSync: boolean }) {
  const { rows, total, page, pages } = props.result;
  const f = props.filters;
  return (
    <Layout title="Annuaire des établissements" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Annuaire des établissements</h1>
      <SearchTabs current="etablissements" />
      <p>Recherchez un établissement par son nom, son numéro FINESS, sa catégorie, son domaine, son département, sa commune ou son adresse, avec ou sans accents.</p>
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
export const serviceLabels = (s: { category: string | null; types: string | null; specialties: string | null }) => [s.category, s.types, s.specialties].filter(Boolean).join(' – ') || '–';

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

