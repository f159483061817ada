/** The French error page shown to browsers. */
import { Layout, type Viewer } from '../views/layout.js';

const TITLES: Record<number, string> = {
  400: 'Demande incorrecte',
  401: 'Connexion nécessaire',
  403: 'Accès refusé',
  404: 'Page introuvable',
  409: 'Conflit',
  413: 'Envoi trop volumineux',
  415: 'Format non accepté',
  429: 'Trop de demandes',
  500: 'Erreur du service',
  503: 'Service indisponible',
};

export function errorTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Erreur du service' : 'Demande refusée');
}

export function ErrorPage(props: { status: number; message: string; requestId: string; viewer?: Viewer | null; csrfToken: string; fields?: Readonly<Record<string, string>> }) {
  const fields = Object.entries(props.fields ?? {});
  const title = errorTitle(props.status);
  return (
    <Layout title={title} viewer={props.viewer ?? null} csrfToken={props.csrfToken}>
      <h1>{title}</h1>
      <p>{props.message}</p>
      {fields.length > 0 && (
        <ul class="error-fields">
          {fields.map(([name, message]) => (
            <li key={name}>{message}</li>
          ))}
        </ul>
      )}
      <p class="error-code">
        Erreur {props.status} – référence à communiquer au support : <code>{props.requestId}</code>
      </p>
      <p>
        <a href="/">Retour à l’accueil</a>
      </p>
    </Layout>
  );
}
