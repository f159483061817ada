/** "Documentation de l’API": what a module's developer needs, in French, from the same operations as the OpenAPI document. */
import { Layout, type Viewer } from '../../views/layout.js';
import { ACR_VALUES } from './idp.rules.js';
import { API_OPERATIONS } from './openapi.js';

export function ApiDocumentationPage(props: { viewer: Viewer | null; csrfToken: string; origin: string }) {
  return (
    <Layout title="Documentation de l’API" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Documentation de l’API</h1>
      <p class="lead">
        Un module d’orientation connecte ses utilisateurs par Habilis (OpenID Connect) et lui demande ses décisions d’accès. La description complète, lisible par vos outils, est{' '}
        <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
      </p>
      <h2>Devenir client</h2>
      <p>
        Un administrateur régional enregistre votre application (adresses de retour, portées, domaines) et vous transmet son identifiant et son secret, affiché une
        seule fois.
      </p>
      <h2>Connecter les utilisateurs (OpenID Connect)</h2>
      <ul>
        <li>
          Découverte : <code>{props.origin}/oidc/.well-known/openid-configuration</code>
        </li>
        <li>Code d’autorisation avec PKCE (S256) obligatoire ; adresses de retour comparées exactement.</li>
        <li>
          Portées : <code>openid</code>, <code>profile</code>, <code>email</code> (adresse vérifiée seulement), <code>rpps</code>, <code>habilitations</code> (habilitations actives des
          domaines de votre application, lues en base à chaque appel userinfo).
        </li>
        <li>
          Le jeton d’identité dit comment la personne s’est authentifiée : <code>acr</code> parmi {ACR_VALUES.map((acr, i) => (
            <>
              {i > 0 ? ' < ' : ''}
              <code>{acr}</code>
            </>
          ))}
          , <code>amr</code> (RFC 8176) et <code>auth_time</code>. Demandez <code>acr_values</code> ou <code>max_age</code> : une session plus faible ou plus ancienne passe par une
          authentification renforcée, jamais une session moindre.
        </li>
        <li>Jetons d’accès et d’identité valables 5 minutes ; pas de jeton de rafraîchissement. La déconnexion de Habilis termine les sessions des applications (déconnexion back-channel si vous la déclarez).</li>
      </ul>
      <h2>Appeler l’API (client credentials)</h2>
      <p>
        Demandez un jeton à <code>{props.origin}/oidc/token</code> avec <code>grant_type=client_credentials</code> et la portée voulue, puis envoyez-le en{' '}
        <code>Authorization: Bearer …</code>.
      </p>
      {API_OPERATIONS.map((op) => (
        <section aria-labelledby={`op-${op.path.replace(/[^a-z0-9]+/gi, '-')}`}>
          <h3 id={`op-${op.path.replace(/[^a-z0-9]+/gi, '-')}`}>
            <code>
              {op.method.toUpperCase()} {op.path}
            </code>{' '}
            — {op.summary}
          </h3>
          <p>{op.description}</p>
          {op.scope ? (
            <p>
              Portée : <code>{op.scope}</code>
            </p>
          ) : (
            <p>
              Session d’une personne connectée, droit <code>{op.session}</code>
            </p>
          )}
          {op.example?.request ? (
            <>
              <p>Exemple de demande :</p>
              <pre>
                <code>{JSON.stringify(op.example.request, null, 2)}</code>
              </pre>
            </>
          ) : null}
          {op.example ? (
            <>
              <p>Réponse :</p>
              <pre>
                <code>{JSON.stringify(op.example.response, null, 2)}</code>
              </pre>
            </>
          ) : null}
        </section>
      ))}
    </Layout>
  );
}
