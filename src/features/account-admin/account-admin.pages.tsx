/** Pages of the referent administration of accounts (R03, R20–R24, R30–R38). Pure functions of props. */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CsrfField, describedBy, ErrorSummary, Field, FieldFrame, HistoryTable, type HistoryLine } from '../../views/components.js';
import { addToDate, formatDate, formatDateTime } from '../../platform/clock.js';
import { RIGHTS, isRight } from '../habilitations/habilitation.rights.js';
import type { GrantablePlace, GrantableProfile } from '../habilitations/habilitation-grant.service.js';
import { endDateBounds } from '../habilitations/habilitation-change.rules.js';
import type { HabilitationRow, SearchRow } from './account-admin.repository.js';
import { PROFESSIONS } from '../accounts/account.schemas.js';

type FieldErrors = Record<string, string>;

interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

function summary(errors: FieldErrors, general?: string) {
  const list = Object.entries(errors).map(([field, message]) => ({ field, message }));
  return general && !list.some((e) => e.message === general) ? [{ message: general }, ...list] : list;
}

function StateBadges({ blocked, deactivated }: { blocked: boolean; deactivated: boolean }) {
  if (!blocked && !deactivated) return <span class="badge badge--ok">Actif</span>;
  return (
    <>
      {blocked ? <span class="badge badge--danger">Bloqué</span> : null}
      {deactivated ? <span class="badge badge--muted">Désactivé</span> : null}
    </>
  );
}

export function SearchPage(props: Frame & { query: string; result: { rows: SearchRow[]; total: number; capped: boolean; page: number; pages: number }; notice?: string }) {
  const { rows, total, capped, page, pages } = props.result;
  const link = (p: number) => `/administration/comptes?q=${encodeURIComponent(props.query)}&page=${p}`;
  return (
    <Layout title="Comptes et habilitations" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Comptes et habilitations</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <p>Recherchez toujours la personne avant de créer un compte : un professionnel garde le même compte toute sa carrière.</p>
      <form method="get" action="/administration/comptes" class="form search-form" role="search">
        <Field id="q" label="Nom, prénom, nom d’utilisateur ou adresse e-mail" value={props.query} maxLength={100} hint="Les accents et les majuscules sont ignorés ; un début de mot suffit." />
        <div class="form-actions">
          <button type="submit" class="button">
            Rechercher
          </button>
          <a href="/administration/comptes/nouveau" class="button button--secondary">
            Créer un compte
          </a>
          <a href="/administration/revue">Revue des habilitations</a>
        </div>
      </form>
      {props.query ? (
        rows.length === 0 ? (
          <p role="status">Aucun compte ne correspond à « {props.query} ».</p>
        ) : (
          <form method="get" action="/administration/habilitations/attribuer">
            <table>
              <caption>
                {capped ? `Plus de ${total} comptes trouvés : précisez la recherche` : `${total} compte${total > 1 ? 's' : ''} trouvé${total > 1 ? 's' : ''}`} – page {page} sur {pages}
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span class="visually-hidden">Sélection</span>
                  </th>
                  <th scope="col">Nom</th>
                  <th scope="col">Prénom</th>
                  <th scope="col">Nom d’utilisateur</th>
                  <th scope="col">Adresse e-mail</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr>
                    <td>
                      {row.in_scope ? (
                        <input type="checkbox" name="comptes" value={String(row.id)} id={`compte-${row.id}`} aria-label={`Sélectionner ${row.first_name} ${row.last_name}`} />
                      ) : null}
                    </td>
                    <td>{row.in_scope ? <a href={`/administration/comptes/${row.id}`}>{row.last_name.toUpperCase()}</a> : row.last_name.toUpperCase()}</td>
                    <td>{row.first_name}</td>
                    <td>{row.username}</td>
                    <td>{row.email}</td>
                    <td>
                      <StateBadges blocked={row.blocked_at !== null} deactivated={row.deactivated_at !== null} />
                      {row.in_scope ? null : <span class="muted"> (hors de votre périmètre)</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="form-actions">
              <button type="submit" class="button">
                Attribuer une habilitation aux comptes sélectionnés
              </button>
            </div>
          </form>
        )
      ) : null}
      {pages > 1 ? (
        <nav aria-label="Pages de résultats" class="pagination">
          {page > 1 ? <a href={link(page - 1)}>Page précédente</a> : null}
          <span>
            Page {page} sur {pages}
          </span>
          {page < pages ? <a href={link(page + 1)}>Page suivante</a> : null}
        </nav>
      ) : null}
    </Layout>
  );
}

export interface IdentityValues {
  lastName?: string;
  firstName?: string;
  email?: string;
  phone?: string | null;
  mobilePhone?: string | null;
  profession?: string | null;
}

function IdentityFields({ values, errors }: { values: IdentityValues; errors: FieldErrors }) {
  return (
    <>
      <Field id="lastName" label="Nom" value={values.lastName ?? ''} error={errors.lastName} required autocomplete="off" maxLength={100} />
      <Field id="firstName" label="Prénom" value={values.firstName ?? ''} error={errors.firstName} required autocomplete="off" maxLength={100} />
      <Field id="email" label="Adresse e-mail professionnelle" type="email" value={values.email ?? ''} error={errors.email} required autocomplete="off" maxLength={254} hint="Une adresse personnelle : un compte = un professionnel = une adresse." />
      <Field id="phone" label="Téléphone (facultatif)" type="tel" value={values.phone ?? ''} error={errors.phone} autocomplete="off" maxLength={30} />
      <Field id="mobilePhone" label="Téléphone mobile (facultatif)" type="tel" value={values.mobilePhone ?? ''} error={errors.mobilePhone} autocomplete="off" maxLength={30} />
      <FieldFrame id="profession" label="Profession" error={errors.profession}>
        <select id="profession" name="profession" class="field__input" aria-invalid={errors.profession ? 'true' : undefined} aria-describedby={describedBy('profession', undefined, errors.profession)}>
          <option value="">— Choisir —</option>
          {PROFESSIONS.map((p) => (
            <option value={p} selected={values.profession === p}>
              {p}
            </option>
          ))}
        </select>
      </FieldFrame>
    </>
  );
}

export function CreateAccountPage(props: Frame & { values: IdentityValues; errors: FieldErrors; general?: string; askSharedConfirmation: boolean; emailTaken: boolean }) {
  return (
    <Layout title="Créer un compte" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Créer un compte</h1>
      <ErrorSummary errors={summary(props.errors, props.general)} />
      {props.emailTaken ? (
        <p>
          <a href={`/administration/comptes?q=${encodeURIComponent(props.values.email ?? '')}`}>Rechercher le compte qui utilise {props.values.email}</a>
        </p>
      ) : null}
      <p>Le nom d’utilisateur est proposé à partir du prénom et du nom ; il ne changera plus. La personne reçoit un e-mail pour choisir son mot de passe.</p>
      <form method="post" action="/administration/comptes/nouveau" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <IdentityFields values={props.values} errors={props.errors} />
        {props.askSharedConfirmation ? (
          <div class="checkbox">
            <input type="checkbox" id="confirmShared" name="confirmShared" value="1" />
            <label for="confirmShared">Je confirme que cette adresse est celle de cette seule personne</label>
          </div>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="button">
            Créer le compte
          </button>
          <a href="/administration/comptes">Annuler</a>
        </div>
      </form>
    </Layout>
  );
}

export function placeLabel(h: HabilitationRow): string {
  if (h.unit_name) return `${h.establishment_name} – ${h.unit_name}`;
  if (h.establishment_name) return h.establishment_name;
  if (h.department_code) return `Coordination ${h.department_code} – ${h.department_name}`;
  return `Région ${h.region_name}`;
}

/** R37: end within 15 days red, within 1 month orange — with words, not colour alone. */
export function endDateNotice(endDate: string, today: string): { className: string; text: string } | null {
  if (endDate < today) return { className: 'end--past', text: 'expirée' };
  const days = Math.round((Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (endDate <= addToDate(today, { days: 15 })) return { className: 'end--soon', text: days === 0 ? 'expire ce soir' : `expire dans ${days} jour${days > 1 ? 's' : ''}` };
  if (endDate <= addToDate(today, { months: 1 })) return { className: 'end--near', text: `expire dans ${days} jours` };
  return null;
}

export function RightsList({ rights }: { rights: string[] }) {
  return (
    <details class="rights">
      <summary>Droits</summary>
      <ul>
        {rights.filter(isRight).map((r) => (
          <li>{RIGHTS[r]}</li>
        ))}
      </ul>
    </details>
  );
}

const PROLONGATIONS: { label: string; amount: { months?: number; years?: number } }[] = [
  { label: '+6 mois', amount: { months: 6 } },
  { label: '+1 an', amount: { years: 1 } },
  { label: '+2 ans', amount: { years: 2 } },
  { label: '+5 ans', amount: { years: 5 } },
];

export interface AccountPageProps extends Frame {
  today: string;
  account: {
    id: number;
    username: string;
    last_name: string;
    first_name: string;
    email: string;
    email_verified_at: Date | null;
    phone: string | null;
    mobile_phone: string | null;
    profession: string | null;
    blocked_at: Date | null;
    deactivated_at: Date | null;
    created_at: Date;
    creator_first_name: string | null;
    creator_last_name: string | null;
    creator_username: string | null;
  };
  habilitations: HabilitationRow[];
  history: HistoryLine[];
  isSelf: boolean;
  identityErrors: FieldErrors;
  identityValues?: IdentityValues;
  notice?: string;
  error?: string;
}

export function AccountPage(props: AccountPageProps) {
  const a = props.account;
  const base = `/administration/comptes/${a.id}`;
  return (
    <Layout title={`${a.first_name} ${a.last_name.toUpperCase()}`} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p>
        <a href="/administration/comptes">← Comptes et habilitations</a>
      </p>
      <h1>
        {a.first_name} {a.last_name.toUpperCase()} <span class="muted">({a.username})</span>
      </h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <ErrorSummary errors={summary(props.identityErrors)} />

      <h2>État du compte</h2>
      <p>
        <StateBadges blocked={a.blocked_at !== null} deactivated={a.deactivated_at !== null} />
        {a.blocked_at ? ` Bloqué le ${formatDateTime(a.blocked_at)}.` : null}
        {a.deactivated_at ? ` Désactivé le ${formatDateTime(a.deactivated_at)}.` : null}
      </p>
      {props.isSelf ? (
        <p>C’est votre compte : modifiez-le dans « Mon compte ».</p>
      ) : (
        <div class="form-actions">
          {a.blocked_at ? (
            <a href={`${base}/debloquer`} class="button">
              <span aria-hidden="true">🔓 </span>Débloquer le compte
            </a>
          ) : (
            <form method="post" action={`${base}/bloquer`} class="inline-form">
              <CsrfField token={props.csrfToken} />
              <button type="submit" class="button button--secondary">
                Bloquer le compte
              </button>
            </form>
          )}
          <form method="post" action={`${base}/${a.deactivated_at ? 'reactiver' : 'desactiver'}`} class="inline-form">
            <CsrfField token={props.csrfToken} />
            <button type="submit" class="button button--secondary">
              {a.deactivated_at ? 'Réactiver le compte' : 'Désactiver le compte'}
            </button>
          </form>
        </div>
      )}

      <h2>Habilitations</h2>
      {props.isSelf ? null : (
        <p>
          <a href={`/administration/habilitations/attribuer?comptes=${a.id}`} class="button">
            Ajouter une habilitation
          </a>
        </p>
      )}
      {props.habilitations.length === 0 ? (
        <p>Aucune habilitation.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Habilitations de {a.first_name} {a.last_name}</caption>
          <thead>
            <tr>
              <th scope="col">Profil</th>
              <th scope="col">Lieu</th>
              <th scope="col">Début</th>
              <th scope="col">Fin</th>
              <th scope="col">Mails</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.habilitations.map((h) => {
              const notice = h.deleted_at ? null : endDateNotice(h.end_date, props.today);
              const bounds = endDateBounds(h.start_date, props.today);
              const editable = !h.deleted_at && !props.isSelf;
              return (
                <tr class={h.deleted_at ? 'row--deleted' : undefined}>
                  <td>
                    {h.profile_name}
                    <RightsList rights={h.rights} />
                  </td>
                  <td>{placeLabel(h)}</td>
                  <td>{formatDate(h.start_date)}</td>
                  <td class={notice?.className}>
                    {formatDate(h.end_date)}
                    {notice ? <span class="end-notice"> ({notice.text})</span> : null}
                    {h.deleted_at ? (
                      <p class="muted">
                        Supprimée le {formatDateTime(h.deleted_at)}
                        {h.deleted_by ? ` par ${h.deleted_by}` : ''}
                      </p>
                    ) : null}
                  </td>
                  <td>{h.email_notifications ? 'Oui' : 'Non'}</td>
                  <td>
                    {editable ? (
                      <div class="row-actions">
                        {PROLONGATIONS.map((p) => {
                          const end = addToDate(props.today, p.amount);
                          return end <= bounds.max ? (
                            <form method="post" action={`${base}/habilitations/${h.id}/fin`} class="inline-form">
                              <CsrfField token={props.csrfToken} />
                              <input type="hidden" name="fin" value={end} />
                              <button type="submit" class="button button--small" aria-label={`Prolonger ${h.profile_name} jusqu’au ${formatDate(end)} (${p.label})`}>
                                {p.label}
                              </button>
                            </form>
                          ) : null;
                        })}
                        <form method="post" action={`${base}/habilitations/${h.id}/fin`} class="inline-form date-form">
                          <CsrfField token={props.csrfToken} />
                          <label for={`fin-${h.id}`} class="visually-hidden">
                            Nouvelle date de fin de {h.profile_name}
                          </label>
                          <input type="date" id={`fin-${h.id}`} name="fin" value={h.end_date} min={bounds.min} max={bounds.max} class="field__input field__input--date" />
                          <button type="submit" class="button button--small button--secondary">
                            Changer la fin
                          </button>
                        </form>
                        <a href={`${base}/habilitations/${h.id}/supprimer`} class="delete-link" aria-label={`Supprimer l’habilitation ${h.profile_name} – ${placeLabel(h)}`}>
                          <span aria-hidden="true">✕</span> Supprimer
                        </a>
                      </div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <h2>Identité</h2>
      <dl class="identity">
        <dt>Nom d’utilisateur</dt>
        <dd>{a.username}</dd>
        <dt>Créé le</dt>
        <dd>
          {formatDateTime(a.created_at)}
          {a.creator_username ? ` par ${a.creator_first_name} ${a.creator_last_name?.toUpperCase()} (${a.creator_username})` : ' par le système'}
        </dd>
        <dt>Adresse e-mail validée</dt>
        <dd>{a.email_verified_at ? 'Oui' : 'Non (le compte n’est pas encore activé)'}</dd>
      </dl>
      {props.isSelf ? null : (
        <form method="post" action={`${base}/identite`} class="form" novalidate>
          <CsrfField token={props.csrfToken} />
          <IdentityFields
            values={props.identityValues ?? { lastName: a.last_name, firstName: a.first_name, email: a.email, phone: a.phone, mobilePhone: a.mobile_phone, profession: a.profession }}
            errors={props.identityErrors}
          />
          <div class="form-actions">
            <button type="submit" class="button">
              Enregistrer l’identité
            </button>
          </div>
        </form>
      )}

      <h2>Historique du compte</h2>
      <HistoryTable lines={props.history} caption="Historique, du plus récent au plus ancien" />
    </Layout>
  );
}

export function ConfirmPage(props: Frame & { title: string; question: string; action: string; confirmLabel: string; cancelHref: string }) {
  return (
    <Layout title={props.title} viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>{props.title}</h1>
      <p>{props.question}</p>
      <form method="post" action={props.action} class="form-actions">
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="button">
          {props.confirmLabel}
        </button>
        <a href={props.cancelHref}>Annuler</a>
      </form>
    </Layout>
  );
}

const LIEU_HINT = 'Unité, établissement, coordination ou région, selon le profil.';

export interface GrantPageProps extends Frame {
  accounts: { id: number; label: string }[];
  profiles: GrantableProfile[];
  places: GrantablePlace[];
  values: { profileId?: number; placeKey?: string; start: string; end: string; email: boolean };
  errors: FieldErrors;
  general?: string;
}

export function GrantPage(props: GrantPageProps) {
  return (
    <Layout title="Attribuer une habilitation" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Attribuer une habilitation</h1>
      <ErrorSummary errors={summary(props.errors, props.general)} />
      <form method="post" action="/administration/habilitations/attribuer" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <fieldset class="fieldset" id="comptes">
          <legend>Comptes ({props.accounts.length})</legend>
          {props.errors.comptes ? <p class="field__error">{props.errors.comptes}</p> : null}
          <ul>
            {props.accounts.map((a) => (
              <li>
                {a.label}
                <input type="hidden" name="comptes" value={String(a.id)} />
              </li>
            ))}
          </ul>
        </fieldset>
        <FieldFrame id="profil" label="Profil" error={props.errors.profil}>
          <select id="profil" name="profil" class="field__input" aria-invalid={props.errors.profil ? 'true' : undefined} aria-describedby={describedBy('profil', undefined, props.errors.profil)}>
            <option value="">— Choisir un profil —</option>
            {props.profiles.map((p) => (
              <option value={String(p.id)} selected={props.values.profileId === p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </FieldFrame>
        <FieldFrame id="lieu" label="Lieu" hint={LIEU_HINT} error={props.errors.lieu}>
          <select id="lieu" name="lieu" class="field__input" aria-invalid={props.errors.lieu ? 'true' : undefined} aria-describedby={describedBy('lieu', LIEU_HINT, props.errors.lieu)}>
            <option value="">— Choisir un lieu —</option>
            {props.places.map((p) => (
              <option value={p.key} selected={props.values.placeKey === p.key}>
                {p.label}
              </option>
            ))}
          </select>
        </FieldFrame>
        <Field id="debut" label="Date de début" type="date" value={props.values.start} error={props.errors.debut} required />
        <Field id="fin" label="Date de fin" type="date" value={props.values.end} error={props.errors.fin} required hint="2 ans par défaut, 5 ans au plus." />
        <div class="checkbox">
          <input type="checkbox" id="mail" name="mail" value="1" checked={props.values.email} />
          <label for="mail">Recevoir les e-mails des dossiers créés ou modifiés sur ce lieu</label>
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Attribuer
          </button>
          <a href="/administration/comptes">Annuler</a>
        </div>
      </form>
    </Layout>
  );
}
