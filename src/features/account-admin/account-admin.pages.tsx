/**
 * Pages of the referent administration of accounts (R03, R20–R24, R30–R38): search, creation, the
 * account page (one component per section, account-admin.sections.tsx), confirmations, the grant
 * page. Pure functions of props.
 */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CsrfField, describedBy, ErrorSummary, Field, FieldFrame, summaryOf, type FieldErrors, type HistoryLine } from '../../views/components.js';
import type { GrantablePlace, GrantableProfile, GrantOutcome } from '../habilitations/habilitation-grant.service.js';
import { formatDate } from '../../platform/clock.js';
import { DEFAULT_DURATION_YEARS } from '../habilitations/habilitation-grant.service.js';
import { MAX_DURATION_YEARS } from '../habilitations/habilitation-change.rules.js';
import type { HabilitationRow, SearchRow } from './account-admin.repository.js';
import {
  AccountHabilitationsSection,
  AccountHistorySection,
  AccountIdentitySection,
  AccountStateSection,
  IdentityFields,
  StateBadges,
  type AdministeredAccount,
  type IdentityValues,
} from './account-admin.sections.js';

export type { IdentityValues } from './account-admin.sections.js';


interface Frame {
  viewer: Viewer;
  csrfToken: string;
}

export function SearchPage(props: Frame & { query: string; result: { rows: (SearchRow & { found: boolean })[]; total: number; capped: boolean; page: number; pages: number }; notice?: string }) {
  const { rows, total, capped, page, pages } = props.result;
  const link = (p: number) => `/administration/comptes?q=${encodeURIComponent(props.query)}&page=${p}`;
  return (
    <Layout title="Comptes et habilitations" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Comptes et habilitations</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <p>Recherchez toujours la personne avant de créer un compte : un professionnel garde le même compte toute sa carrière.</p>
      <p>
        Une personne qui arrive d’une autre structure : saisissez son nom d’utilisateur ou son adresse e-mail exacts pour la trouver et lui ajouter une
        habilitation de votre périmètre.
      </p>
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
            {rows.some((row) => row.found) ? <input type="hidden" name="identifiant" value={props.query.trim()} /> : null}
            <div class="table-scroll" role="region" aria-label="Comptes trouvés, défilement horizontal" tabIndex={0}>
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
                  <th scope="col">Établissements et unités</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr>
                    <td>
                      {row.in_scope || row.found ? (
                        <input type="checkbox" name="comptes" value={String(row.id)} id={`compte-${row.id}`} aria-label={`Sélectionner ${row.first_name} ${row.last_name}`} />
                      ) : null}
                    </td>
                    <td>{row.in_scope ? <a href={`/administration/comptes/${row.id}`}>{row.last_name.toUpperCase()}</a> : row.last_name.toUpperCase()}</td>
                    <td>{row.first_name}</td>
                    <td>{row.username}</td>
                    <td>{row.email}</td>
                    <td>{row.places ?? ''}</td>
                    <td>
                      <StateBadges blocked={row.blocked_at !== null} deactivated={row.deactivated_at !== null} />
                      {row.in_scope ? null : <span class="muted"> (hors de votre périmètre)</span>}
                      {row.found ? (
                        <>
                          {' '}
                          <a href={`/administration/habilitations/attribuer?comptes=${row.id}&identifiant=${encodeURIComponent(props.query.trim())}`}>
                            Ajouter une habilitation de votre périmètre<span class="visually-hidden"> à {row.first_name} {row.last_name.toUpperCase()}</span>
                          </a>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
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

export function CreateAccountPage(
  props: Frame & { values: IdentityValues; errors: FieldErrors; general?: string; askSharedConfirmation: boolean; sharedConfirmed?: boolean; emailTaken: boolean; homonyms?: { id: number; label: string; username: string }[] },
) {
  const homonyms = props.homonyms ?? [];
  return (
    <Layout title="Créer un compte" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Créer un compte</h1>
      <ErrorSummary errors={summaryOf(props.errors, props.general)} />
      {props.emailTaken ? (
        <p>
          <a href={`/administration/comptes?q=${encodeURIComponent(props.values.email ?? '')}`}>Rechercher le compte qui utilise {props.values.email}</a>
        </p>
      ) : null}
      <p>Le nom d’utilisateur est proposé à partir du prénom et du nom ; il ne changera plus. La personne reçoit un e-mail pour choisir son mot de passe.</p>
      <form method="post" action="/administration/comptes/nouveau" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <IdentityFields values={props.values} errors={props.errors} />
        {props.sharedConfirmed && !props.askSharedConfirmation ? <input type="hidden" name="confirmShared" value="1" /> : null}
        {homonyms.length > 0 ? (
          <fieldset class="fieldset">
            <legend>Comptes portant déjà ce nom et ce prénom</legend>
            <ul>
              {homonyms.map((h) => (
                <li>
                  {h.label} – <a href={`/administration/comptes?q=${encodeURIComponent(h.username)}`}>rechercher ce compte<span class="visually-hidden"> ({h.username})</span></a>
                </li>
              ))}
            </ul>
            <div class="checkbox">
              <input type="checkbox" id="confirmHomonyms" name="confirmHomonyms" value="1" />
              <label for="confirmHomonyms">Je confirme qu’il s’agit d’une autre personne : créer un nouveau compte</label>
            </div>
          </fieldset>
        ) : null}
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

export interface AccountPageProps extends Frame {
  today: string;
  account: AdministeredAccount;
  habilitations: HabilitationRow[];
  history: HistoryLine[];
  isSelf: boolean;
  identityErrors: FieldErrors;
  identityValues?: IdentityValues;
  notice?: string;
  error?: string;
  /** A refused end date, shown at its field as well as at the top. */
  endError?: { habilitationId: number; message: string } | undefined;
}

export function AccountPage(props: AccountPageProps) {
  const a = props.account;
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
      <ErrorSummary errors={summaryOf(props.identityErrors)} />

      <AccountStateSection account={a} isSelf={props.isSelf} csrfToken={props.csrfToken} />
      <AccountHabilitationsSection account={a} habilitations={props.habilitations} today={props.today} isSelf={props.isSelf} csrfToken={props.csrfToken} endError={props.endError} />
      <AccountIdentitySection account={a} isSelf={props.isSelf} values={props.identityValues} errors={props.identityErrors} csrfToken={props.csrfToken} />
      <AccountHistorySection history={props.history} />
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
  /** R26: the exact usernames or e-mails searched, sent again with the grant. */
  identifiers?: string[];
  profiles: GrantableProfile[];
  places: GrantablePlace[];
  values: { profileId?: number; placeKey?: string; start: string; end: string; email: boolean };
  errors: FieldErrors;
  general?: string;
  /** R27: the habilitation the grant would repeat. */
  duplicate?: { accountId: number; habilitationId: number };
}

export function GrantPage(props: GrantPageProps) {
  return (
    <Layout title="Attribuer une habilitation" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Attribuer une habilitation</h1>
      <ErrorSummary errors={summaryOf(props.errors, props.general)} />
      {props.duplicate ? (
        <p>
          <a href={`/administration/comptes/${props.duplicate.accountId}#habilitation-${props.duplicate.habilitationId}`}>Voir l’habilitation existante</a>
        </p>
      ) : null}
      <form method="post" action="/administration/habilitations/attribuer" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        {(props.identifiers ?? []).map((i) => (
          <input type="hidden" name="identifiant" value={i} />
        ))}
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
        <Field id="fin" label="Date de fin" type="date" value={props.values.end} error={props.errors.fin} required hint={`${DEFAULT_DURATION_YEARS} ans par défaut, ${MAX_DURATION_YEARS} ans au plus.`} />
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

/** R34: after a grant to several accounts, who received what. */
export function GrantDonePage(props: Frame & { outcome: GrantOutcome; accounts: { id: number; label: string }[] }) {
  const o = props.outcome;
  return (
    <Layout title="Habilitation attribuée" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Habilitation attribuée</h1>
      <Alert kind="success">
        L’habilitation {o.habilitation}, du {formatDate(o.start)} au {formatDate(o.end)}, est attribuée à {props.accounts.length} compte{props.accounts.length > 1 ? 's' : ''}.
      </Alert>
      <h2>Comptes qui l’ont reçue</h2>
      <ul>
        {props.accounts.map((a) => (
          <li>
            <a href={`/administration/comptes/${a.id}`}>{a.label}</a>
          </li>
        ))}
      </ul>
      <p>
        <a href="/administration/comptes">← Comptes et habilitations</a>
      </p>
    </Layout>
  );
}
