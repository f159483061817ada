/** E-mails and SMS of "Mon compte" (the e-mail change's are the accounts feature's), in French. They name no secret but the code or link they carry. */
import { buildMail, type MailContent } from '../../views/mail.js';
import { formatDuration } from '../../views/durations.js';
import { OTP_TTL_MS } from '../auth/auth.rules.js';

export function passwordChangedHereMail(options: { firstName: string }): MailContent {
  return buildMail({
    subject: 'Votre mot de passe Habilis a été modifié',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      'Le mot de passe de votre compte Habilis vient d’être modifié depuis « Mon compte ».',
      'Si vous n’êtes pas à l’origine de ce changement, prévenez immédiatement le référent de votre structure.',
    ],
  });
}

export function mobileCodeSms(code: string): string {
  return `Habilis : votre code de vérification du téléphone mobile est ${code}. Valable ${formatDuration(OTP_TTL_MS)}. Ne le communiquez à personne.`;
}
