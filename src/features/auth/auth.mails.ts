/** The e-mails of authentication, in French. They name no secret but the code or link they carry. */
import { buildMail, type MailContent } from '../../views/mail.js';
import { formatDuration } from '../../views/durations.js';
import { ACTIVATION_TTL_MS, OTP_TTL_MS, RESET_TTL_MS } from './auth.rules.js';

export function loginCodeMail(code: string): MailContent {
  return buildMail({
    subject: 'Votre code de connexion Habilis',
    paragraphs: ['Bonjour,', `Voici votre code de connexion à Habilis. Il est valable ${formatDuration(OTP_TTL_MS)} et ne fonctionne qu’une fois :`],
    code,
    closing: ['Si vous n’êtes pas à l’origine de cette connexion, changez votre mot de passe et prévenez le référent de votre structure.'],
  });
}

export function loginCodeSms(code: string): string {
  return `Habilis : votre code de connexion est ${code}. Valable ${formatDuration(OTP_TTL_MS)}. Ne le communiquez à personne.`;
}

export function activationMail(options: { firstName: string; username: string; link: string }): MailContent {
  return buildMail({
    subject: 'Votre compte Habilis est créé',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      'Un compte Habilis vient d’être créé pour vous.',
      `Votre nom d’utilisateur : ${options.username}`,
      `Pour valider votre adresse e-mail et choisir votre mot de passe, ouvrez le lien ci-dessous. Il est valable ${formatDuration(ACTIVATION_TTL_MS)} et ne sert qu’une fois.`,
    ],
    link: { href: options.link, label: 'Activer mon compte' },
  });
}

export function resetMail(options: { firstName: string; link: string }): MailContent {
  return buildMail({
    subject: 'Réinitialisation de votre mot de passe Habilis',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      `Une réinitialisation de votre mot de passe a été demandée. Ouvrez le lien ci-dessous pour en choisir un nouveau. Il est valable ${formatDuration(RESET_TTL_MS)} et ne sert qu’une fois.`,
    ],
    link: { href: options.link, label: 'Choisir un nouveau mot de passe' },
    closing: ['Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.'],
  });
}

export function passwordChangedMail(options: { firstName: string }): MailContent {
  return buildMail({
    subject: 'Votre mot de passe Habilis a été modifié',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      'Le mot de passe de votre compte Habilis vient d’être modifié. Toutes vos sessions ouvertes ont été fermées.',
      'Si vous n’êtes pas à l’origine de ce changement, prévenez immédiatement le référent de votre structure.',
    ],
  });
}
