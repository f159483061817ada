/** The e-mails of card and e-CPS login, in French. They name no secret but the link they carry. */
import { buildMail, type MailContent } from '../../views/mail.js';
import { formatDuration } from '../../views/durations.js';
import { EMAIL_VALIDATION_TTL_MS } from './card-login.rules.js';

export function emailValidationMail(options: { firstName: string; username: string; link: string }): MailContent {
  return buildMail({
    subject: 'Validez votre adresse e-mail Habilis',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      'Votre compte Habilis de professionnel libéral vient d’être créé avec votre e-CPS.',
      `Votre nom d’utilisateur (votre numéro RPPS) : ${options.username}`,
      `Pour valider votre adresse e-mail, ouvrez le lien ci-dessous. Il est valable ${formatDuration(EMAIL_VALIDATION_TTL_MS)} et ne sert qu’une fois.`,
    ],
    link: { href: options.link, label: 'Valider mon adresse e-mail' },
  });
}
