/** Pages of R15 (assistants of a liberal professional). Pure functions of their props; forms work without JavaScript. */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CodeField, CsrfField, describedBy, ErrorSummary, Field, FieldFrame, NewPasswordFields } from '../../views/components.js';
import { formatDay } from '../../platform/clock.js';
import { AREA_LABELS, DELEGATION_AREAS, DELEGATION_LEVELS, INVITATION_TTL_MS, LEVEL_LABELS, type DelegationArea, type DelegationLevels } from './assistants.rules.js';
import { formatDuration } from '../../views/durations.js';

type Errors = Record<string, string>;

const errorList = (errors: Errors, general?: string) => {
  const list = Object.entries(errors).map(([field, message]) => ({ field, message }));
  return general && list.length === 0 ? [{ message: general }] : list;
};

/** An instant as the day it was in Paris: 'JJ/MM/AAAA'. */

const personName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName.toUpperCase()}`;

/** One select per area: "Aucun", "Lecture", "Lecture et écriture". `prefix` keeps ids unique when a page has several forms. */
function LevelSelects(props: { prefix: string; values: Partial<Record<DelegationArea, string>>; errors?: Errors }) {
  return (
    <>
      {DELEGATION_AREAS.map((area) => {
        const id = `${props.prefix}${area}`;
        const error = props.errors?.[area];
        return (
          <FieldFrame id={id} label={AREA_LABELS[area]} error={error}>
            <select id={id} name={area} class="field__input" aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, undefined, error)}>
              {DELEGATION_LEVELS.map((level) => (
                <option value={level} selected={(props.values[area] ?? 'none') === level}>
                  {LEVEL_LABELS[level]}
                </option>
              ))}
            </select>
          </FieldFrame>
        );
      })}
    </>
  );
}

function LevelsList({ levels }: { levels: DelegationLevels }) {
  return (
    <dl class="summary-list">
      {DELEGATION_AREAS.map((area) => (
        <>
          <dt>{AREA_LABELS[area]}</dt>
          <dd>{LEVEL_LABELS[levels[area]]}</dd>
        </>
      ))}
    </dl>
  );
}

export interface AssistantRow extends DelegationLevels {
  id: number;
  state: 'invited' | 'expired' | 'active' | 'revoked';
  invited_first_name: string;
  invited_last_name: string;
  invited_email: string;
  invitation_expires_at: Date;
  created_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  assistant_first_name: string | null;
  assistant_last_name: string | null;
  assistant_username: string | null;
}

function stateText(row: AssistantRow): string {
  switch (row.state) {
    case 'invited':
      return `Invitation envoyée le ${formatDay(row.created_at)} à ${row.invited_email}, valable jusqu’au ${formatDay(row.invitation_expires_at)}`;
    case 'expired':
      return `Invitation expirée le ${formatDay(row.invitation_expires_at)} : retirez-la puis invitez de nouveau`;
    case 'active':
      return `Actif depuis le ${formatDay(row.accepted_at!)}`;
    case 'revoked':
      return `Accès retirés le ${formatDay(row.revoked_at!)}`;
  }
}

export interface AssistantsPageProps {
  csrfToken: string;
  viewer: Viewer;
  rows: AssistantRow[];
  notice?: string;
  /** The invitation form: values and errors when it was refused. */
  values?: Record<string, string>;
  errors?: Errors;
  general?: string;
  /** The row whose change was refused, and why. */
  rowError?: { id: number; message: string };
}

/** R15: "Mes assistants": invite, change the accesses, withdraw them. */
export function AssistantsPage(props: AssistantsPageProps) {
  const errors = props.errors ?? {};
  const current = props.rows.filter((r) => r.state !== 'revoked');
  const past = props.rows.filter((r) => r.state === 'revoked');
  return (
    <Layout title="Mes assistants" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Mes assistants</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <p>
        Vos assistants agissent pour votre compte sur le service d’orientation, avec les seuls accès que vous leur donnez. Une modification ou un
        retrait s’applique dès leur action suivante.
      </p>
      <h2>Assistants actuels</h2>
      {current.length === 0 ? <p>Vous n’avez pas d’assistant.</p> : null}
      {current.map((row) => {
        const name = row.assistant_first_name ? personName({ firstName: row.assistant_first_name, lastName: row.assistant_last_name! }) : personName({ firstName: row.invited_first_name, lastName: row.invited_last_name });
        return (
          <section class="card" aria-labelledby={`assistant-${row.id}`}>
            <h3 id={`assistant-${row.id}`}>{name}</h3>
            <p>{stateText(row)}</p>
            {props.rowError?.id === row.id ? <Alert kind="error">{props.rowError.message}</Alert> : null}
            <form method="post" action={`/mon-compte/assistants/${row.id}/acces`} class="form">
              <CsrfField token={props.csrfToken} />
              <fieldset class="fieldset">
                <legend>Accès de {name}</legend>
                <LevelSelects prefix={`a${row.id}-`} values={row} />
              </fieldset>
              <div class="form-actions">
                <button type="submit" class="button">
                  Enregistrer les accès
                </button>
              </div>
            </form>
            {/* R27: withdrawing goes through a confirmation naming the person and the consequence. */}
            <a href={`/mon-compte/assistants/${row.id}/retirer`} class="button button--danger">
              {row.state === 'active' ? `Retirer tous les accès de ${name}` : `Retirer l’invitation de ${name}`}
            </a>
          </section>
        );
      })}
      <h2 id="inviter">Inviter un assistant</h2>
      <ErrorSummary errors={errorList(errors, props.general)} />
      <p>Votre assistant recevra un lien par e-mail, valable {formatDuration(INVITATION_TTL_MS)}. Il l’ouvrira puis s’identifiera avec sa carte CPS ou son e-CPS.</p>
      <form method="post" action="/mon-compte/assistants" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <Field id="lastName" label="Nom" value={props.values?.lastName} error={errors.lastName} autocomplete="off" required maxLength={100} />
        <Field id="firstName" label="Prénom" value={props.values?.firstName} error={errors.firstName} autocomplete="off" required maxLength={100} />
        <Field id="email" label="Adresse e-mail" type="email" inputMode="email" value={props.values?.email} error={errors.email} autocomplete="off" required maxLength={254} />
        <fieldset class="fieldset">
          <legend>Accès délégués</legend>
          <LevelSelects prefix="" values={props.values ?? {}} errors={errors} />
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button">
            Envoyer l’invitation
          </button>
        </div>
      </form>
      {past.length > 0 ? (
        <>
          <h2>Anciens assistants</h2>
          <ul>
            {past.map((row) => (
              <li>
                {row.assistant_first_name
                  ? personName({ firstName: row.assistant_first_name, lastName: row.assistant_last_name! })
                  : personName({ firstName: row.invited_first_name, lastName: row.invited_last_name })}{' '}
                — {stateText(row)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Layout>
  );
}

export interface InvitationView {
  professional: { firstName: string; lastName: string };
  invited: { firstName: string; lastName: string; maskedEmail: string };
  levels: DelegationLevels;
}

const ACCEPT_PATH = encodeURIComponent('/assistant/accepter');

/** R15: the e-mailed link's page: who invites, for what, and how to sign in to accept. */
export function InvitationPage(props: { csrfToken: string; viewer: Viewer | null; invitation: InvitationView; pscEnabled: boolean; cardEnabled: boolean }) {
  const inviter = personName(props.invitation.professional);
  return (
    <Layout title="Invitation d’assistant" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>{inviter} vous invite comme assistant</h1>
      <p>
        Invitation adressée à {personName(props.invitation.invited)} ({props.invitation.invited.maskedEmail}). Vous pourrez agir pour le compte de{' '}
        {inviter} avec ces accès :
      </p>
      <LevelsList levels={props.invitation.levels} />
      <h2>Accepter l’invitation</h2>
      {props.viewer ? (
        <>
          <p>Vous êtes connecté : l’invitation sera rattachée à votre compte, après votre confirmation avec votre carte CPS ou votre e-CPS.</p>
          <p>
            <a class="button" href="/assistant/accepter">
              Continuer avec mon compte
            </a>
          </p>
        </>
      ) : (
        <>
          <p>
            Identifiez-vous avec votre carte CPS ou votre e-CPS. Si vous avez déjà un compte Habilis, l’invitation y sera rattachée ; sinon,
            vous le créerez.
          </p>
          <CardMeans pscEnabled={props.pscEnabled} cardEnabled={props.cardEnabled} />
        </>
      )}
    </Layout>
  );
}

/** The ways to sign in with a card or e-CPS, back to the acceptance page. */
function CardMeans(props: { pscEnabled: boolean; cardEnabled: boolean }) {
  return (
    <ul class="link-list">
      {props.pscEnabled ? (
        <li>
          <a class="button" href={`/connexion/psc?retour=${ACCEPT_PATH}`}>
            Continuer avec e-CPS (Pro Santé Connect)
          </a>
        </li>
      ) : null}
      {props.cardEnabled ? (
        <li>
          <a class="button" href="/connexion/carte">
            Continuer avec ma carte CPS
          </a>
        </li>
      ) : null}
    </ul>
  );
}

/** R15: the person signed in with their card or e-CPS confirms; the invitation becomes a delegation of their account. */
export function AcceptPage(props: { csrfToken: string; viewer: Viewer; invitation: InvitationView; byCard: boolean; pscEnabled: boolean; cardEnabled: boolean; error?: string }) {
  const inviter = personName(props.invitation.professional);
  return (
    <Layout title="Accepter l’invitation" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Devenir assistant de {inviter}</h1>
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <p>Vous pourrez agir pour le compte de {inviter} avec ces accès, qu’il peut modifier ou retirer à tout moment :</p>
      <LevelsList levels={props.invitation.levels} />
      {props.byCard ? (
        <form method="post" action="/assistant/accepter" class="form">
          <CsrfField token={props.csrfToken} />
          <div class="form-actions">
            <button type="submit" class="button">
              Accepter l’invitation
            </button>
            <a href="/">Plus tard</a>
          </div>
        </form>
      ) : (
        <>
          <p>Une invitation d’assistant s’accepte après une connexion avec votre carte CPS ou votre e-CPS.</p>
          <CardMeans pscEnabled={props.pscEnabled} cardEnabled={props.cardEnabled} />
        </>
      )}
    </Layout>
  );
}

export interface AssistantAccountPageProps {
  csrfToken: string;
  action: string;
  /** Where "Renvoyer le code" posts. */
  resendAction: string;
  /** The invited address, masked, where the code went. */
  maskedEmail: string;
  notice?: string;
  means: string;
  identity: { idType: string; idNumber: string; givenName: string | null; familyName: string | null; profession?: string | null };
  invited: { firstName: string; lastName: string; email: string };
  values: Record<string, string>;
  errors: Errors;
  general?: string;
  passwordRule: string;
}

/** R15: the invited assistant's account, from the card or e-CPS identity; they add their profession and a password. */
export function AssistantAccountPage(props: AssistantAccountPageProps) {
  return (
    <Layout title="Créer mon compte d’assistant" csrfToken={props.csrfToken}>
      <h1>Créer mon compte d’assistant</h1>
      <ErrorSummary errors={errorList(props.errors, props.general)} />
      <p>Votre identité vient de votre {props.means} et votre adresse e-mail de l’invitation : elles ne peuvent pas être modifiées ici.</p>
      <dl class="summary-list">
        <dt>Nom</dt>
        <dd>{props.identity.familyName ?? props.invited.lastName}</dd>
        <dt>Prénom</dt>
        <dd>{props.identity.givenName ?? props.invited.firstName}</dd>
        <dt>Numéro {props.identity.idType} (nom d’utilisateur)</dt>
        <dd>{props.identity.idNumber}</dd>
        <dt>Adresse e-mail</dt>
        <dd>{props.invited.email}</dd>
      </dl>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <form method="post" action={props.action} class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <CodeField label={`Code reçu par e-mail à ${props.maskedEmail}`} error={props.errors.code} />
        <Field
          id="profession"
          label="Profession"
          hint="Par exemple : secrétaire médicale, assistante médicale."
          value={props.values.profession ?? props.identity.profession ?? undefined}
          error={props.errors.profession}
          autocomplete="organization-title"
          required
          maxLength={100}
        />
        <NewPasswordFields label="Mot de passe" hint={props.passwordRule} errors={props.errors} />
        <div class="form-actions">
          <button type="submit" class="button">
            Créer mon compte
          </button>
          <a href="/connexion">Annuler</a>
        </div>
      </form>
      <p>Vous accepterez ensuite les conditions générales d’utilisation.</p>
      <form method="post" action={props.resendAction} class="inline-form">
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="button button--secondary">
          Recevoir un nouveau code
        </button>
      </form>
      <h2>Ce n’est pas vous ?</h2>
      <p>Si cette invitation ne vous est pas destinée, abandonnez-la : ce poste l’oubliera.</p>
      <form method="post" action="/assistant/abandonner" class="inline-form">
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="button button--secondary">
          Abandonner l’invitation
        </button>
      </form>
    </Layout>
  );
}

export interface MyDelegationRow extends DelegationLevels {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  accepted_at: Date | null;
}

/** R15: the assistant's side: for whom they act, and with which accesses, as of this request. */
export function MyDelegationsPage(props: { csrfToken: string; viewer: Viewer; rows: MyDelegationRow[] }) {
  return (
    <Layout title="Mes délégations" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Mes délégations</h1>
      {props.rows.length === 0 ? <p>Vous n’agissez pour le compte d’aucun professionnel.</p> : null}
      {props.rows.map((row) => (
        <section class="card" aria-labelledby={`delegation-${row.id}`}>
          <h2 id={`delegation-${row.id}`}>{personName({ firstName: row.first_name, lastName: row.last_name })}</h2>
          <p>
            Depuis le {formatDay(row.accepted_at!)} — {row.email}
            {row.phone ? ` — ${row.phone}` : ''}
          </p>
          <LevelsList levels={row} />
        </section>
      ))}
    </Layout>
  );
}

/** R27: the confirmation of a withdrawal names the assistant and the consequence. */
export function RevokeConfirmPage(props: { csrfToken: string; viewer: Viewer; id: number; name: string; active: boolean }) {
  const title = props.active ? 'Retirer les accès d’un assistant' : 'Retirer une invitation';
  return (
    <Layout title={title} viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>{title}</h1>
      <p>
        {props.active
          ? `Retirer tous les accès de ${props.name} ? Dès sa prochaine action, ${props.name} ne pourra plus agir pour votre compte ni consulter vos dossiers ; il faudra une nouvelle invitation pour lui rendre des accès.`
          : `Retirer l’invitation de ${props.name} ? Le lien qui lui a été envoyé ne fonctionnera plus.`}
      </p>
      <form method="post" action={`/mon-compte/assistants/${props.id}/retirer`} class="form-actions">
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="button button--danger">
          {props.active ? 'Oui, retirer tous les accès' : 'Oui, retirer l’invitation'}
        </button>
        <a href="/mon-compte/assistants">Annuler</a>
      </form>
    </Layout>
  );
}
