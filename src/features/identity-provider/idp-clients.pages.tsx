/** "Applications clientes": the region administrator registers the modules and partners of Habilis as OpenID provider (issue 17). */
import { Layout, type Viewer } from '../../views/layout.js';
import { Alert, CsrfField, ErrorSummary, Field, summaryOf, type FieldErrors } from '../../views/components.js';
import { TextArea } from '../../views/form-controls.js';
import { DataTable } from '../../views/tables.js';
import { API_SCOPES, USER_SCOPES } from './idp.rules.js';
import type { ClientRow } from './idp-client.repository.js';

interface Frame {
  viewer: Viewer | null;
  csrfToken: string;
}

const SCOPE_LABELS: Record<string, string> = {
  openid: 'openid — connexion des utilisateurs par Habilis',
  profile: 'profile — nom, prénom, nom d’utilisateur',
  email: 'email — adresse e-mail vérifiée',
  rpps: 'rpps — numéro RPPS',
  habilitations: 'habilitations — habilitations actives des domaines cochés',
  'access.evaluate': 'access.evaluate — API de décision',
  'esms.import': 'esms.import — import des notifications ESMS',
  'esms.read': 'esms.read — lecture des statuts des notifications ESMS (palier 1)',
  'directory.read': 'directory.read — lecture de l’annuaire',
};

const METHODS = [
  { value: 'client_secret_basic', label: 'Secret (affiché une seule fois, conservé haché)' },
  { value: 'private_key_jwt', label: 'Clé publique de l’application (private_key_jwt)' },
  { value: 'none', label: 'Application publique sans secret (PKCE seul, connexion des utilisateurs seulement)' },
];

export function ClientsPage(props: Frame & { clients: ClientRow[]; notice?: string }) {
  return (
    <Layout title="Applications clientes" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Applications clientes</h1>
      <p class="lead">
        Les modules d’orientation et les applications partenaires qui connectent leurs utilisateurs par Habilis et lui demandent ses décisions. Voir la{' '}
        <a href="/documentation/api">documentation de l’API</a>.
      </p>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <p>
        <a class="button" href="/administration/applications/nouvelle">
          Enregistrer une application
        </a>
      </p>
      {props.clients.length === 0 ? (
        <p>Aucune application n’est enregistrée.</p>
      ) : (
        <DataTable caption="Applications enregistrées" headers={['Application', 'Identifiant', 'Portées', 'Domaines', 'État']}>
          {props.clients.map((client) => (
            <tr>
              <td>
                <a href={`/administration/applications/${client.id}`}>{client.name}</a>
              </td>
              <td>
                <code>{client.client_id}</code>
              </td>
              <td>{client.scopes.join(', ')}</td>
              <td>{client.domains.join(', ') || '—'}</td>
              <td>{client.disabled_at ? 'Désactivée' : 'Active'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Layout>
  );
}

export interface ClientFormValues {
  name: string;
  clientId: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  backchannelLogoutUri: string;
  scopes: string[];
  domains: string[];
  authMethod: string;
  jwks: string;
}

export function valuesOf(client: ClientRow): ClientFormValues {
  return {
    name: client.name,
    clientId: client.client_id,
    redirectUris: client.redirect_uris.join('\n'),
    postLogoutRedirectUris: client.post_logout_redirect_uris.join('\n'),
    backchannelLogoutUri: client.backchannel_logout_uri ?? '',
    scopes: client.scopes,
    domains: client.domains,
    authMethod: client.auth_method,
    jwks: client.jwks ? JSON.stringify(client.jwks) : '',
  };
}

function Checkboxes(props: { name: string; legend: string; options: { value: string; label: string }[]; checked: readonly string[]; error?: string | undefined }) {
  return (
    <fieldset class="fieldset" id={props.name} aria-describedby={props.error ? `${props.name}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.error ? (
        <p id={`${props.name}-error`} class="field__error">
          <span class="visually-hidden">Erreur : </span>
          {props.error}
        </p>
      ) : null}
      {props.options.map((option) => (
        <div class="checkbox">
          <input type="checkbox" id={`${props.name}-${option.value}`} name={props.name} value={option.value} checked={props.checked.includes(option.value)} />
          <label for={`${props.name}-${option.value}`}>{option.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

export function ClientFormPage(
  props: Frame & { mode: 'create' | 'edit'; id?: number; values: ClientFormValues; domains: { code: string; name: string }[]; errors: FieldErrors; general?: string; disabled?: boolean },
) {
  const action = props.mode === 'create' ? '/administration/applications/nouvelle' : `/administration/applications/${props.id}`;
  const title = props.mode === 'create' ? 'Enregistrer une application' : `Application ${props.values.name}`;
  return (
    <Layout title={title} viewer={props.viewer} csrfToken={props.csrfToken}>
      <p>
        <a href="/administration/applications">Applications clientes</a>
      </p>
      <h1>{title}</h1>
      {props.disabled ? <Alert kind="warning">Cette application est désactivée : elle ne peut plus connecter d’utilisateur ni obtenir de jeton.</Alert> : null}
      <ErrorSummary errors={summaryOf(props.errors, props.general)} />
      <form method="post" action={action} class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <Field id="name" label="Nom de l’application" value={props.values.name} error={props.errors.name} required maxLength={120} />
        {props.mode === 'create' ? (
          <Field id="clientId" label="Identifiant du client (client_id)" hint="3 à 63 caractères : lettres minuscules, chiffres et tirets ; il ne change plus ensuite." value={props.values.clientId} error={props.errors.clientId} required maxLength={63} />
        ) : (
          <p>
            Identifiant du client : <code>{props.values.clientId}</code>
          </p>
        )}
        <TextArea id="redirectUris" label="Adresses de retour (redirect_uri)" hint="Une par ligne, comparées caractère pour caractère ; https (http seulement sur localhost hors production)." value={props.values.redirectUris} error={props.errors.redirectUris} maxLength={5000} />
        <TextArea id="postLogoutRedirectUris" label="Adresses après déconnexion (post_logout_redirect_uri)" hint="Une par ligne." value={props.values.postLogoutRedirectUris} error={props.errors.postLogoutRedirectUris} maxLength={5000} />
        <Field id="backchannelLogoutUri" label="Adresse de déconnexion back-channel (facultatif)" hint="Habilis y envoie un logout token quand l’utilisateur se déconnecte de Habilis." value={props.values.backchannelLogoutUri} error={props.errors.backchannelLogoutUri} maxLength={500} />
        <Checkboxes name="scopes" legend="Portées autorisées" options={[...USER_SCOPES, ...API_SCOPES].map((s) => ({ value: s, label: SCOPE_LABELS[s] ?? s }))} checked={props.values.scopes} error={props.errors.scopes} />
        <Checkboxes name="domains" legend="Domaines (habilitations transmises)" options={props.domains.map((d) => ({ value: d.code, label: d.name }))} checked={props.values.domains} error={props.errors.domains} />
        <fieldset class="fieldset" id="authMethod">
          <legend>Authentification de l’application</legend>
          {props.errors.authMethod ? (
            <p class="field__error">
              <span class="visually-hidden">Erreur : </span>
              {props.errors.authMethod}
            </p>
          ) : null}
          {METHODS.map((method) => (
            <div class="checkbox">
              <input type="radio" id={`authMethod-${method.value}`} name="authMethod" value={method.value} checked={props.values.authMethod === method.value} />
              <label for={`authMethod-${method.value}`}>{method.label}</label>
            </div>
          ))}
        </fieldset>
        <TextArea id="jwks" label="JWKS public (pour une clé)" hint='{"keys":[…]} : clés RSA ou EC publiques de l’application.' value={props.values.jwks} error={props.errors.jwks} maxLength={20000} />
        <div class="form-actions">
          <button type="submit" class="button">
            {props.mode === 'create' ? 'Enregistrer l’application' : 'Enregistrer les modifications'}
          </button>
        </div>
      </form>
      {props.mode === 'edit' ? (
        <>
          {props.values.authMethod === 'client_secret_basic' ? (
            <form method="post" action={`/administration/applications/${props.id}/secret`} class="inline-form">
              <CsrfField token={props.csrfToken} />
              <button type="submit" class="button button--secondary">
                Générer un nouveau secret (l’ancien cesse aussitôt)
              </button>
            </form>
          ) : null}
          <form method="post" action={`/administration/applications/${props.id}/${props.disabled ? 'reactiver' : 'desactiver'}`} class="inline-form">
            <CsrfField token={props.csrfToken} />
            <button type="submit" class={props.disabled ? 'button button--secondary' : 'button button--danger'}>
              {props.disabled ? `Réactiver ${props.values.name}` : `Désactiver ${props.values.name}`}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

/** The secret, shown once: never stored, never shown again. */
export function SecretPage(props: Frame & { name: string; clientId: string; secret: string; id: number }) {
  return (
    <Layout title="Secret de l’application" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Secret de l’application {props.name}</h1>
      <Alert kind="warning" title="Copiez ce secret maintenant">
        Il ne sera plus jamais affiché : Habilis n’en garde qu’une empreinte. Transmettez-le à l’éditeur par un canal sûr.
      </Alert>
      <dl class="summary-list">
        <div>
          <dt>client_id</dt>
          <dd>
            <code>{props.clientId}</code>
          </dd>
        </div>
        <div>
          <dt>client_secret</dt>
          <dd>
            <code id="secret">{props.secret}</code>
          </dd>
        </div>
      </dl>
      <p>
        <a href={`/administration/applications/${props.id}`}>Revenir à l’application</a>
      </p>
    </Layout>
  );
}
