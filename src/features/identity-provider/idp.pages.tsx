/** Pages of the OpenID provider: the step-up (R17), the provider's errors, the sign-out of every application. */
import { Layout, type Viewer } from '../../views/layout.js';
import { CsrfField } from '../../views/components.js';
import { ACR, type StepUp } from './idp.rules.js';

export function StepUpPage(props: { viewer: Viewer | null; csrfToken: string; clientName: string; stepUp: StepUp; action: string; cardUrl: string | null }) {
  const card = props.stepUp.reason === 'acr' && props.stepUp.need === ACR.card;
  return (
    <Layout title="Authentification renforcée demandée" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Authentification renforcée demandée</h1>
      <p class="lead">
        L’application <strong>{props.clientName}</strong>{' '}
        {props.stepUp.reason === 'freshness'
          ? 'demande que vous vous authentifiiez de nouveau avant de continuer.'
          : card
            ? 'demande une connexion par carte CPS.'
            : 'demande une authentification à deux facteurs : mot de passe et code à usage unique.'}
      </p>
      {card ? (
        props.cardUrl ? (
          <p>
            <a class="button" href={props.cardUrl}>
              Se connecter avec ma carte CPS
            </a>
          </p>
        ) : (
          <p>La connexion par carte n’est pas disponible sur ce service : contactez l’éditeur de l’application.</p>
        )
      ) : (
        <form method="post" action={props.action}>
          <CsrfField token={props.csrfToken} />
          <p>Votre session actuelle se termine ; vous vous reconnectez avec votre mot de passe puis le code reçu.</p>
          <button type="submit">Me reconnecter</button>
        </form>
      )}
      <p>
        <a href="/">Revenir à l’accueil de Habilis</a>
      </p>
    </Layout>
  );
}

export function ProviderErrorPage(props: { message: string }) {
  return (
    <Layout title="Connexion à une application impossible" csrfToken="">
      <h1>Connexion à une application impossible</h1>
      <p class="lead">{props.message}</p>
      <p>
        <a href="/">Revenir à l’accueil de Habilis</a>
      </p>
    </Layout>
  );
}

export function LogoutConfirmPage(props: { form: string; clientName: string | null }) {
  return (
    <Layout title="Déconnexion" csrfToken="">
      <h1>Déconnexion</h1>
      <p class="lead">
        {props.clientName ? `L’application ${props.clientName} demande votre déconnexion.` : 'Vous allez être déconnecté.'} Votre session Habilis et celles des
        applications où vous vous êtes connecté par Habilis prendront fin.
      </p>
      {/* The provider's own form (its anti-forgery token); our button submits it. */}
      <div dangerouslySetInnerHTML={{ __html: props.form }} />
      <p>
        <button type="submit" form="op.logoutForm" name="logout" value="yes">
          Me déconnecter
        </button>
      </p>
    </Layout>
  );
}

export function LoggedOutPage() {
  return (
    <Layout title="Vous êtes déconnecté" csrfToken="">
      <h1>Vous êtes déconnecté</h1>
      <p class="lead">Votre session Habilis et celles des applications connectées par Habilis sont terminées.</p>
      <p>
        <a href="/connexion">Se connecter</a>
      </p>
    </Layout>
  );
}

/**
 * The end of a sign-in for an application: a page that sends the browser on at once. A redirect
 * would do, but after a form (the code) the browser holds the redirect chain to the form's
 * `form-action 'self'` and refuses to leave for the application's origin: a new navigation does not.
 */
export function ContinuePage(props: { viewer: Viewer | null; csrfToken: string; clientName: string; target: string }) {
  return (
    <Layout title="Retour vers l’application" viewer={props.viewer} csrfToken={props.csrfToken} refreshTo={props.target}>
      <h1>Retour vers l’application</h1>
      <p class="lead">Vous êtes connecté. Vous revenez vers {props.clientName}.</p>
      <p>
        <a class="button" href={props.target}>
          Continuer vers {props.clientName}
        </a>
      </p>
    </Layout>
  );
}
