/**
 * Pages of the review of habilitations (R39): filters, the table with its sorts, R37 end dates in
 * colour and in words, rights (R38) in a <details>, the end-date form and the delete confirmation.
 * Pure functions of their props; everything works without JavaScript.
 */
import { Layout, type Viewer } from '../../views/layout.js';
import { assetUrl } from '../../views/assets.js';
import { Alert, CsrfField, describedBy, ErrorSummary, FieldFrame } from '../../views/components.js';
import { formatDate, formatDateTime } from '../../platform/clock.js';
import { FewReferentsBanner } from './referent-coverage.pages.js';
import { Pager } from './pager.js';
import { MIN_STRUCTURE_REFERENTS } from './referent-coverage.service.js';
import { REVIEW_PATH, reviewSearch, type ReviewFilters } from './habilitation-review.schemas.js';
import type { ReviewPage as ReviewData, ReviewRowView } from './habilitation-review.service.js';
import type { ChangeableHabilitation } from './habilitation.service.js';
import type { ReviewSort } from './habilitation-review.rules.js';
import { ProlongationButtons } from './habilitation-change.pages.js';

export const REVIEW_NOTICES: Record<string, string> = {
  'date-de-fin': 'La date de fin de l’habilitation est modifiée.',
  'date-inchangee': 'La date de fin choisie était déjà celle de l’habilitation : rien n’a changé.',
  suppression: 'L’habilitation est supprimée. Elle reste visible dans la revue comme supprimée lorsque vous affichez les habilitations supprimées ou expirées.',
};

function Select(props: {
  id: string;
  label: string;
  hint?: string;
  value: string | null;
  empty: string;
  options: { value: string; label: string }[];
  required?: boolean;
}) {
  return (
    <FieldFrame id={props.id} label={props.label} hint={props.hint}>
      <select id={props.id} name={props.id} class="field__input" required={props.required} aria-describedby={describedBy(props.id, props.hint)}>
        <option value="">{props.empty}</option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

const SORT_LABELS: Record<ReviewSort, string> = { nom: 'nom', profil: 'profil', debut: 'date de début', fin: 'date de fin' };

/** A column header that sorts: a link, and aria-sort on the column the table is sorted by. */
function SortHeader(props: { filters: ReviewFilters; sort: ReviewSort; children: string }) {
  const active = props.filters.sort === props.sort;
  const next = active && props.filters.direction === 'asc' ? 'desc' : 'asc';
  const href = `${REVIEW_PATH}${reviewSearch(props.filters, { sort: props.sort, direction: next, page: 1 })}#resultats`;
  return (
    <th scope="col" aria-sort={active ? (props.filters.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={href} class="sort-link">
        {props.children}
        <span class="visually-hidden">
          {active
            ? `, trié par ordre ${props.filters.direction === 'asc' ? 'croissant' : 'décroissant'} ; trier par ordre ${next === 'asc' ? 'croissant' : 'décroissant'}`
            : ` : trier par ${SORT_LABELS[props.sort]}`}
        </span>
        <span aria-hidden="true" class="sort-link__arrow">
          {active ? (props.filters.direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </a>
    </th>
  );
}

function holderName(row: { first_name: string; last_name: string }): string {
  return `${row.first_name} ${row.last_name.toUpperCase()}`;
}

function EndDateCell({ row }: { row: ReviewRowView }) {
  const level = row.status.level;
  return (
    <td class={`end-date end-date--${level}`}>
      <span class="end-date__value">{formatDate(row.end_date)}</span>
      {row.status.text && level !== 'deleted' ? <span class="end-date__text">{row.status.text}</span> : null}
    </td>
  );
}

function RowActions({ row, csrfToken, retour }: { row: ReviewRowView; csrfToken: string; retour: string }) {
  if (row.deleted_at) {
    return (
      <td class="review-actions">
        <span class="deleted-mark">
          Supprimée le {formatDateTime(row.deleted_at)}
          {row.deleted_by ? ` par ${row.deleted_by}` : ' par le système'}
        </span>
      </td>
    );
  }
  if (!row.changeable) return <td class="review-actions">–</td>;
  const who = `${holderName(row)}, ${row.profile_name}`;
  return (
    <td class="review-actions">
      <form method="post" action={`${REVIEW_PATH}/habilitations/${row.habilitation_id}/date-de-fin`} class="end-date-form">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="retour" value={retour} />
        <label for={`fin-${row.habilitation_id}`} class="visually-hidden">
          Nouvelle date de fin de l’habilitation de {who}
        </label>
        <input
          type="date"
          id={`fin-${row.habilitation_id}`}
          name="endDate"
          value={row.end_date}
          min={row.changeable.min}
          max={row.changeable.max}
          required
          class="field__input end-date-form__input"
        />
        <button type="submit" class="button button--small">
          Changer la fin<span class="visually-hidden"> (prolonger ou raccourcir) de l’habilitation de {who}</span>
        </button>
      </form>
      <a href={`${REVIEW_PATH}/habilitations/${row.habilitation_id}/date-de-fin?retour=${encodeURIComponent(retour)}`}>
        Prolonger<span class="visually-hidden"> l’habilitation de {who}</span>
      </a>
      <a href={`${REVIEW_PATH}/habilitations/${row.habilitation_id}/suppression?retour=${encodeURIComponent(retour)}`} class="delete-link">
        <span aria-hidden="true">✕</span>
        <span class="visually-hidden">Supprimer l’habilitation de {who}</span>
      </a>
    </td>
  );
}

/** R39: what the structure list says when empty — "Choisissez d'abord…" only when it is true. */
function structureEmptyLabel(filters: ReviewFilters, count: number): string {
  if (count > 0) return 'Choisir une structure';
  if (!filters.domain || !filters.department) return 'Choisissez d’abord un domaine et une coordination';
  return 'Aucune structure de ce domaine dans cette coordination';
}

export interface ReviewPageProps {
  viewer: Viewer;
  csrfToken: string;
  review: ReviewData;
  /** A notice after a change (the route reads it from the redirect). */
  done?: string | undefined;
}

export function ReviewPage({ viewer, csrfToken, review, done }: ReviewPageProps) {
  const { filters, options, structure } = review;
  const retour = `${REVIEW_PATH}${reviewSearch(filters)}`;
  const doneText = done ? REVIEW_NOTICES[done] : undefined;
  return (
    <Layout title="Revue des habilitations" viewer={viewer} csrfToken={csrfToken}>
      <h1>Revue des habilitations</h1>
      {doneText ? <Alert kind="success">{doneText}</Alert> : null}
      {review.notice ? <Alert kind="warning">{review.notice}</Alert> : null}
      <script src={assetUrl('review-filters.js')} defer />
      <form method="get" action={REVIEW_PATH} class="review-filters">
        <fieldset>
          <legend>Filtres</legend>
          <p class="field__hint">
            Domaine, coordination et structure sont obligatoires. Une fois le domaine et la coordination choisis, « Charger les structures » met à
            jour la liste des structures.
          </p>
          <div class="filters-grid">
            <Select id="domaine" label="Domaine" value={filters.domain} empty="Choisir un domaine" required options={options.domains.map((d) => ({ value: d.code, label: d.name }))} />
            <Select
              id="coordination"
              label="Coordination (département)"
              value={filters.department}
              empty="Choisir une coordination"
              required
              options={options.departments.map((d) => ({ value: d.code, label: `${d.code} – ${d.name}` }))}
            />
            <div class="filters-step">
              <button type="submit" id="charger-structures" name="etape" value="structures" formnovalidate class="button button--secondary">
                Charger les structures
              </button>
            </div>
            <Select
              id="structure"
              label="Structure"
              value={filters.establishmentId ? String(filters.establishmentId) : null}
              empty={structureEmptyLabel(filters, options.establishments.length)}
              required={options.establishments.length > 0}
              options={options.establishments.map((e) => ({ value: String(e.id), label: `${e.name} (${e.finess})` }))}
            />
            <Select
              id="unite"
              label="Unité (facultatif)"
              value={filters.unitId ? String(filters.unitId) : null}
              empty={structure && !structure.whole ? 'Toutes mes unités' : 'Toutes les unités'}
              options={options.units.map((u) => ({ value: String(u.id), label: u.name }))}
            />
            <Select
              id="profil"
              label="Profil (facultatif)"
              value={filters.profileId ? String(filters.profileId) : null}
              empty="Tous les profils"
              options={options.profiles.map((p) => ({ value: String(p.id), label: p.name }))}
            />
          </div>
          <div class="checkbox">
            <input type="checkbox" id="tout" name="tout" value="1" checked={filters.includeEnded} />
            <label for="tout">Afficher les habilitations supprimées ou expirées</label>
          </div>
          {filters.sort !== 'nom' ? <input type="hidden" name="tri" value={filters.sort} /> : null}
          {filters.direction !== 'asc' ? <input type="hidden" name="ordre" value={filters.direction} /> : null}
          <button type="submit" class="button">
            Afficher
          </button>
        </fieldset>
      </form>

      {structure ? (
        <section aria-labelledby="resultats">
          <h2 id="resultats" tabIndex={-1}>
            Habilitations de {structure.name}
          </h2>
          <FewReferentsBanner structureName={structure.name} referents={structure.referents} minimum={MIN_STRUCTURE_REFERENTS} />
          <div class="review-summary">
            <p>
              {review.total === 0
                ? 'Aucune habilitation ne correspond à ces filtres.'
                : `${review.total.toLocaleString('fr-FR')} habilitation${review.total > 1 ? 's' : ''}${filters.includeEnded ? ', supprimées et expirées comprises' : ' en cours ou à venir'} – page ${review.page} sur ${review.pages}`}
            </p>
            {review.total > 0 ? (
              <a class="button button--secondary" href={`${REVIEW_PATH}/export${reviewSearch(filters, { page: 1 })}`} download>
                Exporter<span class="visually-hidden"> la revue au format Excel</span> (.xlsx)
              </a>
            ) : null}
          </div>
          {review.total > 0 ? (
            <div class="table-scroll" role="region" aria-label="Tableau des habilitations, défilement horizontal" tabIndex={0}>
              <table class="review-table">
                <caption class="visually-hidden">
                  Habilitations de {structure.name}, triées par {SORT_LABELS[filters.sort]}, ordre {filters.direction === 'asc' ? 'croissant' : 'décroissant'}
                </caption>
                <thead>
                  <tr>
                    <SortHeader filters={filters} sort="nom">
                      Nom
                    </SortHeader>
                    <th scope="col">Prénom</th>
                    <th scope="col">Nom d’utilisateur</th>
                    <SortHeader filters={filters} sort="profil">
                      Profil
                    </SortHeader>
                    <th scope="col">Unité et établissement</th>
                    <SortHeader filters={filters} sort="debut">
                      Début
                    </SortHeader>
                    <SortHeader filters={filters} sort="fin">
                      Fin
                    </SortHeader>
                    <th scope="col">E-mail</th>
                    <th scope="col">Droits</th>
                    <th scope="col">Date de fin et suppression</th>
                  </tr>
                </thead>
                <tbody>
                  {review.rows.map((row) => (
                    <tr class={row.deleted_at ? 'review-row review-row--deleted' : 'review-row'}>
                      <th scope="row">{row.last_name.toUpperCase()}</th>
                      <td>{row.first_name}</td>
                      <td>{row.username}</td>
                      <td>{row.profile_name}</td>
                      <td>{row.unit_name ? `${row.unit_name} – ${row.establishment_name}` : row.establishment_name}</td>
                      <td>
                        {formatDate(row.start_date)}
                        {row.future ? <span class="tag">à venir</span> : null}
                      </td>
                      <EndDateCell row={row} />
                      <td>{row.email_notifications ? 'Oui' : 'Non'}</td>
                      <td>
                        <details class="rights">
                          <summary>
                            Droits<span class="visually-hidden"> de l’habilitation de {holderName(row)}</span>
                          </summary>
                          <ul>
                            {row.rights.map((r) => (
                              <li>{r.label}</li>
                            ))}
                          </ul>
                        </details>
                      </td>
                      <RowActions row={row} csrfToken={csrfToken} retour={retour} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <Pager page={review.page} pages={review.pages} href={(page) => `${REVIEW_PATH}${reviewSearch(filters, { page })}#resultats`} label="Pages de la revue" />
        </section>
      ) : null}
    </Layout>
  );
}

function HabilitationSummary({ h }: { h: ChangeableHabilitation }) {
  return (
    <dl class="summary-list">
      <dt>Titulaire</dt>
      <dd>
        {h.holder.firstName} {h.holder.lastName.toUpperCase()} ({h.holder.username})
      </dd>
      <dt>Profil</dt>
      <dd>{h.profileName}</dd>
      <dt>Lieu</dt>
      <dd>{h.locationLabel}</dd>
      <dt>Période</dt>
      <dd>
        du {formatDate(h.startDate)} au {formatDate(h.endDate)}
      </dd>
    </dl>
  );
}

export function EndDatePage(props: { viewer: Viewer; csrfToken: string; habilitation: ChangeableHabilitation; retour: string; value: string; error?: string }) {
  const h = props.habilitation;
  const action = `${REVIEW_PATH}/habilitations/${h.id}/date-de-fin`;
  return (
    <Layout title="Modifier la date de fin" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Modifier la date de fin</h1>
      {props.error ? <ErrorSummary errors={[{ field: 'endDate', message: props.error }]} /> : null}
      <HabilitationSummary h={h} />
      <h2>Prolonger à partir d’aujourd’hui</h2>
      {h.shortcuts.offered.length === 0 ? <p>Aucun raccourci ne prolongerait cette habilitation : choisissez une date ci-dessous.</p> : null}
      <div class="row-actions">
        <ProlongationButtons
          shortcuts={h.shortcuts}
          action={action}
          field="endDate"
          hidden={{ retour: props.retour }}
          what={`l’habilitation de ${h.holder.firstName} ${h.holder.lastName.toUpperCase()}`}
          csrfToken={props.csrfToken}
        />
      </div>
      <h2>Changer la fin (prolonger ou raccourcir)</h2>
      <form method="post" action={`${REVIEW_PATH}/habilitations/${h.id}/date-de-fin`} class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="retour" value={props.retour} />
        <div class={props.error ? 'field field--error' : 'field'}>
          <label for="endDate" class="field__label">
            Nouvelle date de fin
          </label>
          <p id="endDate-hint" class="field__hint">
            Entre le {formatDate(h.bounds.min)} et le {formatDate(h.bounds.max)} : une habilitation dure au plus 5 ans. Une date plus proche arrête
            l’habilitation ce jour-là.
          </p>
          {props.error ? (
            <p id="endDate-error" class="field__error">
              <span class="visually-hidden">Erreur : </span>
              {props.error}
            </p>
          ) : null}
          <input
            id="endDate"
            name="endDate"
            type="date"
            value={props.value}
            min={h.bounds.min}
            max={h.bounds.max}
            required
            autofocus={props.error ? true : undefined}
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={props.error ? 'endDate-hint endDate-error' : 'endDate-hint'}
            class="field__input"
          />
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Enregistrer la date de fin
          </button>
          <a href={props.retour}>Annuler et revenir à la revue</a>
        </div>
      </form>
    </Layout>
  );
}

export function DeleteConfirmPage(props: { viewer: Viewer; csrfToken: string; habilitation: ChangeableHabilitation; retour: string }) {
  const h = props.habilitation;
  return (
    <Layout title="Supprimer l’habilitation" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Supprimer l’habilitation</h1>
      <p>
        Vous allez supprimer cette habilitation. Elle cesse aussitôt de donner ses droits ; elle reste visible comme supprimée, avec la date et votre
        nom.
      </p>
      <HabilitationSummary h={h} />
      <form method="post" action={`${REVIEW_PATH}/habilitations/${h.id}/suppression`}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="retour" value={props.retour} />
        <div class="form-actions">
          <button type="submit" class="button button--danger">
            Confirmer la suppression
          </button>
          <a href={props.retour}>Annuler</a>
        </div>
      </form>
    </Layout>
  );
}
