/** The e-mail of R26: a referent of another structure added a habilitation to the person's account. */
import { buildMail, type MailContent } from '../../views/mail.js';
import { formatDate } from '../../platform/clock.js';

export function habilitationAddedMail(options: {
  firstName: string;
  referent: string;
  referentPlace: string;
  habilitation: string;
  start: string;
  end: string;
}): MailContent {
  return buildMail({
    subject: 'Une habilitation a été ajoutée à votre compte Habilis',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      `${options.referent}, référent de ${options.referentPlace}, a ajouté à votre compte l’habilitation ${options.habilitation}, du ${formatDate(options.start)} au ${formatDate(options.end)}.`,
      'Vous gardez le même compte, le même nom d’utilisateur et le même mot de passe. Si vous ne connaissez pas ce référent, signalez-le au référent de votre établissement.',
    ],
  });
}
