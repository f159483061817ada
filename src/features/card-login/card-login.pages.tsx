/** Pages of card and e-CPS login (R12, R13). Pure functions of their props; forms work without JavaScript. */
import { Layout } from '../../views/layout.js';
import { Alert, CsrfField, ErrorSummary, Field, NewPasswordFields } from '../../views/components.js';
import type { PracticePlace } from './card-login.rules.js';

/** R13: the places of practice Pro Santé Connect gave for this identity, read-only. */
export function PracticePlaces({ places }: { places: readonly PracticePlace[] | undefined }) {
  if (!places || places.length === 0) return null;
  return (
    <>
      <h2>Lieux d’exercice transmis par Pro Santé Connect</h2>
      <ul>
        {places.map((place) => (
          <li>
            {place.name ?? 'Lieu sans nom'}
            {place.finess ? ` (FINESS ${place.finess})` : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

export interface PairingPageProps {
  csrfToken: string;
  /** Where the form posts: one pairing page per kind of identity. */
  action: string;
  means: string;
  identity: { idType: 'RPPS' | 'ADELI' | 'PARTENAIRE'; idNumber: string; givenName: string | null; familyName: string | null; practicePlaces?: readonly PracticePlace[] };
  username?: string;
  error?: string;
  /** R14: an RPPS identity may create its account instead, when it has none. */
  createAccountUrl?: string | null;
}

/** R12/R13: the first login with a card identity asks the account's password once, to pair them. */
export function PairingPage(props: PairingPageProps) {
  return (
    <Layout title="Associer votre identité à votre compte" csrfToken={props.csrfToken}>
      <h1>Associer votre {props.means} à votre compte</h1>
      <ErrorSummary errors={props.error ? [{ message: props.error, field: 'username' }] : []} />
      <p>Vous vous êtes identifié avec votre {props.means} :</p>
      <dl class="summary-list">
        <dt>Nom</dt>
        <dd>{props.identity.familyName ?? 'non transmis'}</dd>
        <dt>Prénom</dt>
        <dd>{props.identity.givenName ?? 'non transmis'}</dd>
        <dt>{{ RPPS: 'Numéro RPPS', ADELI: 'Numéro ADELI', PARTENAIRE: 'Identifiant chez le partenaire' }[props.identity.idType]}</dt>
        <dd>{props.identity.idNumber}</dd>
      </dl>
      <PracticePlaces places={props.identity.practicePlaces} />
      <p>
        C’est votre première connexion de cette façon : saisissez une seule fois le nom d’utilisateur et le mot de passe de votre
        compte Habilis. Ensuite, votre {props.means} suffira pour vous connecter.
      </p>
      <form method="post" action={props.action} class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <Field id="username" label="Nom d’utilisateur" value={props.username} autocomplete="username" required maxLength={60} autofocus={!props.username} />
        <Field id="password" label="Mot de passe" type="password" autocomplete="current-password" required maxLength={128} autofocus={Boolean(props.username)} />
        <div class="form-actions">
          <button type="submit" class="button">
            Associer et me connecter
          </button>
          <a href="/connexion">Annuler</a>
        </div>
      </form>
      {props.createAccountUrl ? (
        <>
          <h2>Vous n’avez pas encore de compte Habilis ?</h2>
          <p>Professionnel libéral, vous pouvez créer votre compte à partir de votre {props.means}.</p>
          <p>
            <a class="button button--secondary" href={props.createAccountUrl}>
              Créer mon compte
            </a>
          </p>
        </>
      ) : null}
    </Layout>
  );
}

export interface ExternalLoginErrorPageProps {
  csrfToken: string;
  title: string;
  message: string;
}

/** Every refused card or e-CPS login ends here, in French, with a way out. */
export function ExternalLoginErrorPage(props: ExternalLoginErrorPageProps) {
  return (
    <Layout title={props.title} csrfToken={props.csrfToken}>
      <h1>{props.title}</h1>
      <Alert kind="error">{props.message}</Alert>
      <p>
        <a href="/connexion">Me connecter directement sur Habilis</a>
      </p>
    </Layout>
  );
}

/**
 * After the local logout of an e-CPS session. A link, not a redirect: the logout is a form, and the
 * CSP's form-action 'self' rightly forbids a form from ending up on another site.
 */
export function PscLoggedOutPage(props: { csrfToken: string; endSessionUrl: string }) {
  return (
    <Layout title="Vous êtes déconnecté" csrfToken={props.csrfToken}>
      <h1>Vous êtes déconnecté de Habilis</h1>
      <p>Votre session Pro Santé Connect reste peut-être ouverte sur ce poste, pour d’autres services.</p>
      <p>
        <a class="button" href={props.endSessionUrl}>
          Me déconnecter aussi de Pro Santé Connect
        </a>
      </p>
      <p>
        <a href="/">Revenir à l’accueil</a>
      </p>
    </Layout>
  );
}

export interface LiberalAccountPageProps {
  csrfToken: string;
  identity: { lastName: string; firstName: string; rpps: string; practicePlaces?: readonly PracticePlace[] };
  values: Record<string, string>;
  errors: Record<string, string>;
  general?: string;
  passwordRule: string;
}

const LIBERAL_FIELDS: { id: string; label: string; autocomplete: string; type?: string; hint?: string; maxLength: number; optional?: boolean; inputMode?: 'numeric' | 'email' | 'tel' }[] = [
  { id: 'profession', label: 'Profession', autocomplete: 'organization-title', maxLength: 100, hint: 'Par exemple : médecin, infirmier, masseur-kinésithérapeute.' },
  { id: 'specialty', label: 'Spécialité (facultatif)', autocomplete: 'off', maxLength: 100, optional: true },
  { id: 'email', label: 'Adresse e-mail', autocomplete: 'email', type: 'email', maxLength: 254, inputMode: 'email' },
  { id: 'phone', label: 'Téléphone', autocomplete: 'tel', type: 'tel', maxLength: 20, inputMode: 'tel' },
  { id: 'address', label: 'Adresse du cabinet', autocomplete: 'street-address', maxLength: 200 },
  { id: 'postcode', label: 'Code postal', autocomplete: 'postal-code', maxLength: 5, inputMode: 'numeric' },
  { id: 'city', label: 'Commune', autocomplete: 'address-level2', maxLength: 100 },
];

/** R14: "Créer mon compte", the identity from the e-CPS shown read-only, the rest typed by the professional. */
export function LiberalAccountPage(props: LiberalAccountPageProps) {
  const list = Object.entries(props.errors).map(([field, message]) => ({ field, message }));
  const errors = props.general && list.length === 0 ? [{ message: props.general }] : list;
  return (
    <Layout title="Créer mon compte" csrfToken={props.csrfToken}>
      <h1>Créer mon compte de professionnel libéral</h1>
      <ErrorSummary errors={errors} />
      <p>Votre identité vient de votre e-CPS et ne peut pas être modifiée ici. Votre nom d’utilisateur sera votre numéro RPPS.</p>
      <dl class="summary-list">
        <dt>Nom</dt>
        <dd>{props.identity.lastName}</dd>
        <dt>Prénom</dt>
        <dd>{props.identity.firstName}</dd>
        <dt>Numéro RPPS (nom d’utilisateur)</dt>
        <dd>{props.identity.rpps}</dd>
      </dl>
      <PracticePlaces places={props.identity.practicePlaces} />
      <form method="post" action="/connexion/psc/creer-mon-compte" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        {LIBERAL_FIELDS.map((f) => (
          <Field
            id={f.id}
            label={f.label}
            type={f.type}
            hint={f.hint}
            value={props.values[f.id]}
            error={props.errors[f.id]}
            autocomplete={f.autocomplete}
            required={!f.optional}
            maxLength={f.maxLength}
            inputMode={f.inputMode}
          />
        ))}
        <NewPasswordFields label="Mot de passe" hint={props.passwordRule} errors={props.errors} />
        <div class="form-actions">
          <button type="submit" class="button">
            Créer mon compte
          </button>
          <a href="/connexion">Annuler</a>
        </div>
      </form>
      <p>Vous accepterez ensuite les conditions générales d’utilisation, puis un lien de validation sera envoyé à votre adresse e-mail.</p>
    </Layout>
  );
}

/** R14: the e-mail validation link's page; a button, so that a mail scanner opening the link validates nothing. */
export function EmailValidationPage(props: { csrfToken: string; token: string }) {
  return (
    <Layout title="Valider mon adresse e-mail" csrfToken={props.csrfToken}>
      <h1>Valider mon adresse e-mail</h1>
      <form method="post" action="/connexion/psc/valider-email" class="form">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="jeton" value={props.token} />
        <div class="form-actions">
          <button type="submit" class="button">
            Valider mon adresse e-mail
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function EmailValidatedPage(props: { csrfToken: string }) {
  return (
    <Layout title="Adresse e-mail validée" csrfToken={props.csrfToken}>
      <h1>Adresse e-mail validée</h1>
      <Alert kind="success">Votre adresse e-mail est validée.</Alert>
      <p>
        <a href="/">Aller à l’accueil</a>
      </p>
    </Layout>
  );
}
