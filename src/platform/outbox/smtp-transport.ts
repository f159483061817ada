/** Mail transport over SMTP (nodemailer). */
import nodemailer from 'nodemailer';
import type { OutboxMessage } from '../../db/schema.js';
import type { Transport } from './outbox.js';

export function createSmtpTransport(smtpUrl: string, from: string): Transport & { close(): void } {
  const transporter = nodemailer.createTransport(smtpUrl, { from });
  return {
    async send(message: OutboxMessage) {
      await transporter.sendMail({
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.text_body,
        ...(message.html_body ? { html: message.html_body } : {}),
      });
    },
    close: () => transporter.close(),
  };
}
