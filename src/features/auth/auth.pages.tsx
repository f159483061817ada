/** Pages of the login journey. Pure functions of their props; every form works without JavaScript. */
import { Layout } from '../../views/layout.js';
import { Alert, CodeField, CsrfField, ErrorSummary, Field, NewPasswordFields, summaryOf, type FieldErrors } from '../../views/components.js';
import { assetUrl } from '../../views/assets.js';
import { OTP_TTL_MS, PASSWORD_RULE_TEXT, RESET_TTL_MS } from './auth.rules.js';
import { formatDuration } from '../../views/durations.js';
import { TERMS_SECTIONS, TERMS_VERSION } from './terms.js';

export type { FieldErrors } from '../../views/components.js';

/** The self-hosted anti-robot widget (ALTCHA); without JavaScript a notice explains the fallback. */
function RobotCheck({ fallback }: { fallback: string }) {
  return (
    <div class="robot-check">
      <altcha-widget challenge="/altcha/challenge" name="altcha" language="fr-fr" />
      <noscript>
        <p class="field__hint">{fallback}</p>
      </noscript>
      <link rel="stylesheet" href={assetUrl('altcha.css')} />
      <script src={assetUrl('altcha.js')} defer />
      <script src={assetUrl('altcha-fr.js')} defer />
      <script src={assetUrl('altcha-setup.js')} data-worker={assetUrl('altcha-pbkdf2.js')} defer />
    </div>
  );
}

export interface LoginPageProps {
  csrfToken: string;
  username?: string;
  error?: string;
  notice?: string;
  retour: string;
  robotCheck: boolean;
  /** Pro Santé Connect is configured (R13): offer the e-CPS login. */
  pscLogin?: boolean;
  /** CPS card login is configured (R12): offer it. */
  cardLogin?: boolean;
  /** R17: an application asked for a step-up: this login asks the code even in a trusted browser. */
  stepUp?: boolean;
}

export function LoginPage(props: LoginPageProps) {
  return (
    <Layout title="Connexion" csrfToken={props.csrfToken}>
      <h1>Connexion</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <ErrorSummary errors={props.error ? [{ message: props.error, field: 'username' }] : []} />
      <form method="post" action="/connexion" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="retour" value={props.retour} />
        {props.stepUp ? <input type="hidden" name="renforcer" value="1" /> : null}
        <Field id="username" label="Nom d’utilisateur" value={props.username} autocomplete="username" required maxLength={60} autofocus={!props.username} />
        <Field id="password" label="Mot de passe" type="password" autocomplete="current-password" required maxLength={128} autofocus={Boolean(props.username)} />
        {props.robotCheck ? (
          <RobotCheck fallback="Trop de tentatives depuis ce poste : la vérification anti-robot nécessite JavaScript. Sans JavaScript, patientez 15 minutes avant de réessayer." />
        ) : null}
        <div class="form-actions">
          <button type="submit" class="button">
            Se connecter
          </button>
          <a href="/mot-de-passe-oublie">Mot de passe oublié ?</a>
        </div>
      </form>
      <p>Après votre mot de passe, un code à usage unique vous est envoyé par e-mail ou par SMS.</p>
      {props.pscLogin || props.cardLogin ? (
        <p class="form-actions">
          {props.pscLogin ? (
            <a class="button button--secondary" href={`/connexion/psc?retour=${encodeURIComponent(props.retour)}`}>
              Se connecter avec Pro Santé Connect
            </a>
          ) : null}
          {props.cardLogin ? (
            <a class="button button--secondary" href={`/connexion/carte?retour=${encodeURIComponent(props.retour)}`}>
              Se connecter avec une carte CPS
            </a>
          ) : null}
        </p>
      ) : null}
    </Layout>
  );
}

export interface CodePageProps {
  csrfToken: string;
  destination: { channel: 'EMAIL' | 'SMS'; masked: string };
  error?: string;
  notice?: string;
  retour: string;
}

export function CodePage(props: CodePageProps) {
  const where = props.destination.channel === 'SMS' ? `par SMS au ${props.destination.masked}` : `par e-mail à ${props.destination.masked}`;
  return (
    <Layout title="Code de connexion" csrfToken={props.csrfToken}>
      <h1>Code de connexion</h1>
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <ErrorSummary errors={props.error ? [{ message: props.error, field: 'code' }] : []} />
      <p>
        Un code à 6 chiffres vous a été envoyé {where}. Il est valable {formatDuration(OTP_TTL_MS)}.
      </p>
      <form method="post" action="/connexion/code" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="retour" value={props.retour} />
        <CodeField label="Code reçu" error={props.error} />
        <div class="form-actions">
          <button type="submit" class="button">
            Valider
          </button>
        </div>
      </form>
      <form method="post" action="/connexion/code/renvoyer">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="retour" value={props.retour} />
        <button type="submit" class="link-button">
          Si vous n’avez pas reçu votre code, cliquez ici
        </button>
      </form>
    </Layout>
  );
}

export interface NewPasswordPageProps {
  csrfToken: string;
  mode: 'expired' | 'reset' | 'activation';
  action: string;
  token?: string;
  username?: string;
  errors: FieldErrors;
  general?: string;
}

const NEW_PASSWORD_TEXT = {
  expired: {
    title: 'Votre mot de passe a expiré',
    intro: 'Votre mot de passe a plus de 6 mois : choisissez-en un nouveau pour continuer.',
    submit: 'Enregistrer mon nouveau mot de passe',
  },
  reset: {
    title: 'Choisir un nouveau mot de passe',
    intro: 'Choisissez votre nouveau mot de passe. Toutes vos sessions seront fermées.',
    submit: 'Enregistrer mon nouveau mot de passe',
  },
  activation: {
    title: 'Activer votre compte',
    intro: 'Votre adresse e-mail est validée. Choisissez votre mot de passe pour activer votre compte.',
    submit: 'Activer mon compte',
  },
} as const;

export function NewPasswordPage(props: NewPasswordPageProps) {
  const text = NEW_PASSWORD_TEXT[props.mode];
  return (
    <Layout title={text.title} csrfToken={props.csrfToken}>
      <h1>{text.title}</h1>
      <ErrorSummary errors={summaryOf(props.errors, props.general)} />
      <p>{text.intro}</p>
      {props.username ? (
        <p>
          Votre nom d’utilisateur : <strong>{props.username}</strong>
        </p>
      ) : null}
      <form method="post" action={props.action} class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        {props.token ? <input type="hidden" name="jeton" value={props.token} /> : null}
        {props.username ? <input type="hidden" name="username" value={props.username} autocomplete="username" /> : null}
        <NewPasswordFields label="Nouveau mot de passe" hint={PASSWORD_RULE_TEXT} errors={props.errors} autofocus />
        {props.mode === 'expired' ? (
          <div class="checkbox">
            <input type="checkbox" id="endOthers" name="endOthers" value="1" checked />
            <label for="endOthers">Fermer mes autres sessions ouvertes</label>
          </div>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="button">
            {text.submit}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function TermsPage(props: { csrfToken: string; error?: string }) {
  return (
    <Layout title="Conditions générales d’utilisation" csrfToken={props.csrfToken}>
      <h1>Conditions générales d’utilisation</h1>
      <ErrorSummary errors={props.error ? [{ message: props.error, field: 'accept' }] : []} />
      <p>Pour accéder à Habilis, lisez et acceptez les conditions générales d’utilisation (version {TERMS_VERSION}).</p>
      <div class="terms" tabIndex={0} role="region" aria-label="Texte des conditions générales d’utilisation">
        {TERMS_SECTIONS.map((section) => (
          <section>
            <h2>{section.title}</h2>
            {section.paragraphs.map((p) => (
              <p>{p}</p>
            ))}
          </section>
        ))}
      </div>
      <form method="post" action="/connexion/conditions" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <div class={`checkbox${props.error ? ' field--error' : ''}`}>
          <input type="checkbox" id="accept" name="accept" value="1" required aria-invalid={props.error ? 'true' : undefined} />
          <label for="accept">J’ai lu et j’accepte les conditions générales d’utilisation</label>
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Valider
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function ForgotPasswordPage(props: { csrfToken: string; sent: boolean; error?: string; username?: string }) {
  return (
    <Layout title="Mot de passe oublié" csrfToken={props.csrfToken}>
      <h1>Mot de passe oublié</h1>
      {props.sent ? (
        <Alert kind="success" title="Demande enregistrée">
          Si ce nom d’utilisateur correspond à un compte, un e-mail vient de lui être envoyé avec un lien valable {formatDuration(RESET_TTL_MS)} pour
          choisir un nouveau mot de passe.
        </Alert>
      ) : null}
      <ErrorSummary errors={props.error ? [{ message: props.error, field: 'username' }] : []} />
      <p>Indiquez votre nom d’utilisateur : vous recevrez par e-mail un lien pour choisir un nouveau mot de passe.</p>
      <form method="post" action="/mot-de-passe-oublie" class="form" novalidate>
        <CsrfField token={props.csrfToken} />
        <Field id="username" label="Nom d’utilisateur" value={props.username} autocomplete="username" required maxLength={60} />
        <RobotCheck fallback="La vérification anti-robot nécessite JavaScript. Sans JavaScript, votre demande reste possible mais le nombre de demandes est plus limité." />
        <div class="form-actions">
          <button type="submit" class="button">
            Recevoir le lien
          </button>
          <a href="/connexion">Retour à la connexion</a>
        </div>
      </form>
      <p>Un compte bloqué reste bloqué après un changement de mot de passe : seul le référent de votre structure peut le débloquer.</p>
    </Layout>
  );
}

export function LinkInvalidPage(props: { csrfToken: string; message: string }) {
  return (
    <Layout title="Lien expiré" csrfToken={props.csrfToken}>
      <h1>Ce lien n’est plus valable</h1>
      <p>{props.message}</p>
      <p>
        <a href="/mot-de-passe-oublie">Demander un nouveau lien</a> ou contactez le référent de votre structure.
      </p>
    </Layout>
  );
}
