/** E-mails: a plain HTML frame (escaped by preact) and the same words as text. */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

function MailFrame({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <title>{title}</title>
      </head>
      <body style="font-family: Arial, sans-serif; color: #1b1f24; line-height: 1.5;">
        {children}
        <p style="color: #4a525c; font-size: 13px;">
          Habilis – ce message est envoyé automatiquement, merci de ne pas y répondre.
        </p>
      </body>
    </html>
  );
}

/** A mail made of paragraphs, one of which may be a link or a code shown large. */
export function buildMail(options: {
  subject: string;
  paragraphs: string[];
  link?: { href: string; label: string };
  code?: string;
  closing?: string[];
}): MailContent {
  const textParts = [...options.paragraphs];
  if (options.code) textParts.push(options.code);
  if (options.link) textParts.push(`${options.link.label} : ${options.link.href}`);
  textParts.push(...(options.closing ?? []));
  const html = renderToString(
    <MailFrame title={options.subject}>
      {options.paragraphs.map((p) => (
        <p>{p}</p>
      ))}
      {options.code ? <p style="font-size: 28px; font-weight: bold; letter-spacing: 6px;">{options.code}</p> : null}
      {options.link ? (
        <p>
          <a href={options.link.href}>{options.link.label}</a>
        </p>
      ) : null}
      {(options.closing ?? []).map((p) => (
        <p>{p}</p>
      ))}
    </MailFrame>,
  );
  return { subject: options.subject, text: `${textParts.join('\n\n')}\n\n-- \nHabilis – message automatique, merci de ne pas y répondre.\n`, html: `<!doctype html>${html}` };
}
