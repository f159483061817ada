/**
 * SMS over an HTTP gateway: POST {to, text} as JSON with a bearer token. Providers differ in
 * their payloads; this adapter is the one place to change for another provider.
 */
import type { OutboxMessage } from '../../db/schema.js';
import type { Transport } from './outbox.js';

export function createHttpSmsGateway(url: string, token: string | undefined, timeoutMs = 10_000): Transport {
  return {
    async send(message: OutboxMessage) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ to: message.recipient, text: message.text_body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        throw new Error(`passerelle SMS : HTTP ${response.status}`);
      }
    },
  };
}
