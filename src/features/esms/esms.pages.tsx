/** Pages of the ESMS notifications (French, no JavaScript needed): dashboard (R62), notification and follow-up (R60, R61, R64). */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CsrfField, ErrorSummary, FieldFrame, describedBy, summaryOf, type FieldErrors } from '../../views/components.js';
import { SummaryRow } from '../../views/tables.js';
import { formatDate, formatDateTime } from '../../platform/clock.js';
import { Pager } from '../habilitations/pager.js';
import {
  FIELD_LABELS, STAGES, STAGE_LABELS, TIER2_FIELDS, TIER3_FIELDS, VALIDITY_LABELS, validityOf, type NotificationBase, type Validity,
} from './esms.rules.js';
import { dashboardSearch, PAGE_SIZE, SORTS, type DashboardQuery } from './esms.schemas.js';
import type { loadDashboard, NotificationView } from './esms.service.js';

const TIER_NAMES = { 1: 'Administratif', 2: 'Social, éducatif, pédagogique', 3: 'Médical, paramédical, psychologue' } as const;
const SORT_LABELS: Record<(typeof SORTS)[number], string> = { statut: 'Date du dernier changement', decision: 'Date de décision', echeance: 'Fin de validité', nom: 'Nom de la personne' };

/** R62: the validity in its colour, and in words (the colour is never the only carrier). */
export function ValidityText({ endDate, today }: { endDate: string; today: string }) {
  const v: Validity = validityOf(endDate, today);
  return (
    <span class={`validity validity--${v}`}>
      {formatDate(endDate)} <span class="validity__text">({VALIDITY_LABELS[v]})</span>
    </span>
  );
}

type Dashboard = Awaited<ReturnType<typeof loadDashboard>>;

export function DashboardPage(props: { viewer: Viewer; csrfToken: string; data: Dashboard }) {
  const { data } = props;
  const q: DashboardQuery = data.query;
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  const href = (changes: Partial<DashboardQuery>) => `/esms/tableau-de-bord?${dashboardSearch(q, changes)}`;
  return (
    <Layout title="Tableau de bord des notifications" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Tableau de bord des notifications</h1>
      <p class="lead">
        {data.scope.name}
        {data.scope.onlyUnitId !== null ? ` – ${data.units[0]?.name ?? 'unité'}` : ''} · profil {TIER_NAMES[data.scope.tier as 1 | 2 | 3]}
      </p>
      {data.scopes.length > 1 ? (
        <nav aria-label="Établissements">
          <ul class="link-list">
            {data.scopes.map((s) => (
              <li>
                <a href={`/esms/tableau-de-bord?etablissement=${s.establishmentId}`} aria-current={s === data.scope ? 'page' : undefined}>
                  {s.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <nav aria-label="Étapes du suivi" class="tabs">
        <ul>
          {STAGES.map((stage) => (
            <li>
              <a href={`/esms/tableau-de-bord?${dashboardSearch({ ...q, status: null, page: 1 }, { stage })}`} aria-current={stage === q.stage ? 'page' : undefined}>
                {STAGE_LABELS[stage]} ({data.counts[stage]})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/esms/tableau-de-bord" class="filters-grid" aria-label="Filtres">
        <input type="hidden" name="etablissement" value={String(data.scope.establishmentId)} />
        <input type="hidden" name="onglet" value={q.stage} />
        <div class="field">
          <label class="field__label" for="q">Nom ou numéro MDPH</label>
          <input class="field__input" id="q" name="q" value={q.search ?? ''} maxLength={100} />
        </div>
        <div class="field">
          <label class="field__label" for="statut">Statut</label>
          <select class="field__input" id="statut" name="statut">
            <option value="">Tous</option>
            {data.statuses.map((s) => (
              <option value={s.code} selected={q.status === s.code}>{s.label}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="categorie">Catégorie d’orientation</label>
          <select class="field__input" id="categorie" name="categorie">
            <option value="">Toutes</option>
            {data.categories.map((c) => (
              <option value={c.code} selected={q.category === c.code}>{c.short_label} – {c.label}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="unite">Unité</label>
          <select class="field__input" id="unite" name="unite">
            <option value="">Toutes</option>
            {data.units.map((u) => (
              <option value={String(u.id)} selected={q.unitId === u.id}>{u.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="validite">Validité</label>
          <select class="field__input" id="validite" name="validite">
            <option value="">Toutes</option>
            {(['valide', 'bientot', 'expiree'] as const).map((v) => (
              <option value={v} selected={q.validity === v}>{VALIDITY_LABELS[v]}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for="tri">Trier par</label>
          <select class="field__input" id="tri" name="tri">
            {SORTS.map((s) => (
              <option value={s} selected={q.sort === s}>{SORT_LABELS[s]}</option>
            ))}
          </select>
        </div>
        <div class="form-actions">
          <button type="submit" class="button">Filtrer</button>
          <a class="button button--secondary" href={`/esms/tableau-de-bord/export?${dashboardSearch(q, { page: 1 })}`}>Exporter</a>
        </div>
      </form>
      <p id="resultats">
        {data.total === 0 ? 'Aucune notification.' : `${data.total.toLocaleString('fr-FR')} notification${data.total > 1 ? 's' : ''} – page ${q.page} sur ${pages}`}
      </p>
      {data.rows.length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Notifications : {STAGE_LABELS[q.stage]}</caption>
            <thead>
              <tr>
                <th scope="col">Personne</th>
                <th scope="col">Date de naissance</th>
                <th scope="col">MDPH</th>
                <th scope="col">Date de décision</th>
                <th scope="col">Catégorie</th>
                <th scope="col">Fin de validité</th>
                <th scope="col">Statut</th>
                <th scope="col">Unité</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row: NotificationBase) => (
                <tr>
                  <th scope="row">
                    <a href={`/esms/notifications/${row.id}`}>
                      {row.lastName.toUpperCase()} {row.firstName}
                    </a>
                  </th>
                  <td>{formatDate(row.birthDate)}</td>
                  <td>
                    {row.mdphDepartment} – {row.mdphIndividualNumber}
                  </td>
                  <td>{formatDate(row.decisionDate)}</td>
                  <td>{row.categoryLabel}</td>
                  <td>
                    <ValidityText endDate={row.endDate} today={data.today} />
                  </td>
                  <td>
                    {row.statusLabel}
                    <br />
                    <span class="muted">le {formatDate(row.statusDate)}</span>
                  </td>
                  <td>{row.unitName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager page={q.page} pages={pages} href={(page) => href({ page })} />
    </Layout>
  );
}

export interface NotificationPageProps {
  viewer: Viewer;
  csrfToken: string;
  view: NotificationView;
  errors?: FieldErrors;
  general?: string;
  values?: { statut?: string; date?: string; motif?: string; unite?: string; commentaire?: string };
  done?: boolean;
}

export function NotificationPage(props: NotificationPageProps) {
  const { notification: n, today } = props.view;
  const b = n.base;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const evaluation = n.tier !== 1 ? n.evaluation : null;
  const medical = n.tier === 3 ? n.medical : null;
  return (
    <Layout title={`Notification – ${b.lastName.toUpperCase()} ${b.firstName}`} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p>
        <a href={`/esms/tableau-de-bord?etablissement=${b.establishmentId}`}>Retour au tableau de bord</a>
      </p>
      <h1>
        {b.lastName.toUpperCase()} {b.firstName}
      </h1>
      {props.done ? <Alert kind="success">Le suivi a été enregistré.</Alert> : null}
      <h2>Décision et personne</h2>
      <dl class="summary-list">
        <SummaryRow label="Date de naissance">{formatDate(b.birthDate)}</SummaryRow>
        <SummaryRow label="MDPH">{b.mdphDepartment}</SummaryRow>
        <SummaryRow label="Numéro individuel MDPH">{b.mdphIndividualNumber}</SummaryRow>
        <SummaryRow label="Identifiant national de la décision">{b.decisionNationalId}</SummaryRow>
        <SummaryRow label="Numéro de la décision à la MDPH">{b.mdphDecisionId}</SummaryRow>
        <SummaryRow label="Date de décision">{formatDate(b.decisionDate)}</SummaryRow>
        <SummaryRow label="Nature du droit">{b.rightNature}</SummaryRow>
        <SummaryRow label="Catégorie d’orientation">{b.categoryLabel}</SummaryRow>
        <SummaryRow label="Validité">
          du {formatDate(b.openingDate)} au <ValidityText endDate={b.endDate} today={today} />
        </SummaryRow>
        <SummaryRow label="Amendement Creton">{b.creton ? 'Oui' : 'Non'}</SummaryRow>
        <SummaryRow label="Établissement">{b.establishmentName}</SummaryRow>
        <SummaryRow label="Unité">{b.unitName ?? 'Non précisée'}</SummaryRow>
        <SummaryRow label="Statut">
          {b.statusLabel} (le {formatDate(b.statusDate)}){b.reasonLabel ? ` – motif : ${b.reasonLabel}` : ''}
        </SummaryRow>
      </dl>
      {evaluation ? (
        <section aria-labelledby="evaluation">
          <h2 id="evaluation">Évaluation des besoins</h2>
          <dl class="summary-list">
            {TIER2_FIELDS.map((f) => (
              <SummaryRow label={FIELD_LABELS[f]}>{evaluation[f] ?? 'Non renseigné'}</SummaryRow>
            ))}
          </dl>
        </section>
      ) : null}
      {medical ? (
        <section aria-labelledby="medical">
          <h2 id="medical">Données médicales</h2>
          <dl class="summary-list">
            {TIER3_FIELDS.map((f) => (
              <SummaryRow label={FIELD_LABELS[f]}>{medical[f] ?? 'Non renseigné'}</SummaryRow>
            ))}
          </dl>
        </section>
      ) : null}
      <h2 id="suivi">Suivi</h2>
      {props.general || Object.keys(errors).length > 0 ? <ErrorSummary errors={summaryOf(errors, props.general)} /> : null}
      {props.view.canFollowUp && props.view.nextStatuses.length > 0 ? (
        <form method="post" action={`/esms/notifications/${b.id}/suivi`} class="form" novalidate>
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="version" value={String(b.version)} />
          <FieldFrame id="statut" label="Nouveau statut" error={errors.statut}>
            <select id="statut" name="statut" class="field__input" required aria-invalid={errors.statut ? 'true' : undefined} aria-describedby={describedBy('statut', undefined, errors.statut)}>
              <option value="">Choisissez</option>
              {props.view.nextStatuses.map((s) => (
                <option value={s.code} selected={values.statut === s.code}>
                  {s.label}
                  {s.reasonRequired ? ' (motif obligatoire)' : ''}
                </option>
              ))}
            </select>
          </FieldFrame>
          <FieldFrame id="date" label="Date du statut" hint={`Entre le ${formatDate(b.decisionDate)} et aujourd’hui`} error={errors.date}>
            <input id="date" name="date" type="date" class="field__input field__input--date" value={values.date ?? today} min={b.decisionDate} max={today} required aria-invalid={errors.date ? 'true' : undefined} aria-describedby={describedBy('date', 'x', errors.date)} />
          </FieldFrame>
          <FieldFrame id="motif" label="Motif (si le statut en demande un)" error={errors.motif}>
            <select id="motif" name="motif" class="field__input" aria-invalid={errors.motif ? 'true' : undefined} aria-describedby={describedBy('motif', undefined, errors.motif)}>
              <option value="">Aucun</option>
              {props.view.reasons.map((r) => (
                <option value={r.code} selected={values.motif === r.code}>{r.label}</option>
              ))}
            </select>
          </FieldFrame>
          <FieldFrame id="unite" label="Unité" error={errors.unite}>
            <select id="unite" name="unite" class="field__input" aria-invalid={errors.unite ? 'true' : undefined} aria-describedby={describedBy('unite', undefined, errors.unite)}>
              <option value="">{b.unitName ? `Inchangée (${b.unitName})` : 'Non précisée'}</option>
              {props.view.units.map((u) => (
                <option value={String(u.id)} selected={values.unite === String(u.id)}>{u.name}</option>
              ))}
            </select>
          </FieldFrame>
          <FieldFrame id="commentaire" label="Commentaire (facultatif)" hint="2 000 caractères au plus" error={errors.commentaire}>
            <textarea id="commentaire" name="commentaire" class="field__textarea" maxLength={2000} rows={3} aria-describedby={describedBy('commentaire', 'x', errors.commentaire)}>
              {values.commentaire ?? ''}
            </textarea>
          </FieldFrame>
          <div class="form-actions">
            <button type="submit" class="button">Enregistrer le suivi</button>
          </div>
        </form>
      ) : (
        <p>{props.view.canFollowUp ? 'Aucune action de suivi n’est possible depuis ce statut.' : 'Votre profil ne permet pas de saisir le suivi.'}</p>
      )}
      <h2>Historique du suivi</h2>
      {props.view.followups.length === 0 ? (
        <p>Aucune action de suivi.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Historique du suivi</caption>
            <thead>
              <tr>
                <th scope="col">Statut</th>
                <th scope="col">Date du statut</th>
                <th scope="col">Motif</th>
                <th scope="col">Unité</th>
                <th scope="col">Commentaire</th>
                <th scope="col">Saisi par</th>
                <th scope="col">Saisi le</th>
              </tr>
            </thead>
            <tbody>
              {props.view.followups.map((f) => (
                <tr>
                  <td>{f.statusLabel}</td>
                  <td>{formatDate(f.statusDate)}</td>
                  <td>{f.reasonLabel ?? '—'}</td>
                  <td>{f.unitName ?? '—'}</td>
                  <td class="prewrap">{f.comment ?? ''}</td>
                  <td>{f.actorLabel}</td>
                  <td>{formatDateTime(f.recordedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.view.readers ? (
        <section aria-labelledby="lecteurs">
          <h2 id="lecteurs">Consultations des 30 derniers jours</h2>
          {props.view.readers.length === 0 ? (
            <p>Aucune consultation.</p>
          ) : (
            <table>
              <caption class="visually-hidden">Qui a consulté cette notification</caption>
              <thead>
                <tr>
                  <th scope="col">Date et heure</th>
                  <th scope="col">Professionnel</th>
                  <th scope="col">Niveau</th>
                  <th scope="col">Canal</th>
                </tr>
              </thead>
              <tbody>
                {props.view.readers.map((r) => (
                  <tr>
                    <td>{formatDateTime(r.occurredAt)}</td>
                    <td>{r.actorLabel}</td>
                    <td>{TIER_NAMES[r.tier as 1 | 2 | 3]}</td>
                    <td>{r.channel === 'page' ? 'Page' : r.channel === 'json' ? 'API' : 'Export'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
    </Layout>
  );
}
