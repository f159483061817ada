/** R40: the e-mail of a new or updated notification — no name, no birth date, no health datum: only that something came, and the link. */
import { buildMail, type MailContent } from '../../views/mail.js';

export function notificationMail(options: { link: string }): MailContent {
  return buildMail({
    subject: 'Habilis : une notification a été reçue ou mise à jour',
    paragraphs: [
      'Bonjour,',
      'Une notification d’orientation a été reçue ou mise à jour pour un établissement ou une unité où vous êtes habilité(e).',
      'Pour la consulter, connectez-vous à Habilis et ouvrez le tableau de bord des notifications.',
    ],
    link: { href: options.link, label: 'Ouvrir le tableau de bord' },
    closing: ['Vous recevez ce message parce que « Réception des e-mails » est cochée pour votre habilitation ; vous pouvez la décocher dans « Mon compte ».'],
  });
}
