/** Development viewers of the outbox: the e-mails and SMS the application would have sent. */
import type { OutboxMessage } from '../../db/schema.js';
import { formatDateTime } from '../../platform/clock.js';
import { Layout } from '../../views/layout.js';
import { Alert } from '../../views/components.js';

const STATUS_LABELS = { pending: 'en attente', sent: 'envoyé', failed: 'en échec' } as const;

export function OutboxPage(props: { channel: 'mail' | 'sms'; messages: OutboxMessage[]; csrfToken: string }) {
  const title = props.channel === 'mail' ? 'E-mails de développement' : 'SMS de développement';
  return (
    <Layout title={title} csrfToken={props.csrfToken}>
      <h1>{title}</h1>
      <Alert kind="warning" title="Page de développement">
        Cette page n’existe pas en production. Elle montre les derniers messages de la file d’envoi, les plus récents
        en premier.
      </Alert>
      {props.messages.length === 0 ? (
        <p>Aucun message.</p>
      ) : (
        props.messages.map((message) => (
          <article class="card" aria-labelledby={`message-${message.id}`}>
            <h2 id={`message-${message.id}`}>
              {message.subject ?? `SMS n° ${message.id}`}
            </h2>
            <dl>
              <dt>Destinataire</dt>
              <dd data-recipient>{message.recipient}</dd>
              <dt>Créé le</dt>
              <dd>{formatDateTime(message.created_at)}</dd>
              <dt>État</dt>
              <dd>{STATUS_LABELS[message.status]}</dd>
            </dl>
            <pre data-body>{message.text_body}</pre>
          </article>
        ))
      )}
    </Layout>
  );
}
