/** The e-mails of a change of e-mail address (R41, R22), in French. They name no secret but the link they carry. */
import { buildMail, type MailContent } from '../../views/mail.js';
import { formatDuration } from '../../views/durations.js';
import { EMAIL_CHANGE_TTL_MS } from './account.rules.js';

export function emailChangeLinkMail(options: { firstName: string; username: string; link: string }): MailContent {
  return buildMail({
    subject: 'Validez votre nouvelle adresse e-mail Habilis',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      `Vous avez demandé que cette adresse devienne celle de votre compte Habilis (nom d’utilisateur : ${options.username}).`,
      `Pour la valider, ouvrez le lien ci-dessous. Il est valable ${formatDuration(EMAIL_CHANGE_TTL_MS)} et ne sert qu’une fois. Votre ancienne adresse reste utilisée tant que celle-ci n’est pas validée.`,
    ],
    link: { href: options.link, label: 'Valider ma nouvelle adresse e-mail' },
    closing: ['Si vous n’avez rien demandé, ignorez ce message : votre compte garde son adresse actuelle.'],
  });
}

export function emailChangeRequestedMail(options: { firstName: string; maskedNewEmail: string }): MailContent {
  return buildMail({
    subject: 'Demande de changement de votre adresse e-mail Habilis',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      `Un changement de l’adresse e-mail de votre compte Habilis vers ${options.maskedNewEmail} vient d’être demandé depuis « Mon compte ».`,
      'Votre adresse actuelle reste celle du compte tant que la nouvelle n’est pas validée par le lien qui lui a été envoyé.',
      'Si vous n’êtes pas à l’origine de cette demande, changez votre mot de passe et prévenez immédiatement le référent de votre structure.',
    ],
  });
}

export function emailChangedMail(options: { firstName: string; maskedNewEmail: string }): MailContent {
  return buildMail({
    subject: 'Votre adresse e-mail Habilis a été modifiée',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      `La nouvelle adresse e-mail de votre compte Habilis (${options.maskedNewEmail}) vient d’être validée. Les messages de Habilis n’arriveront plus à cette adresse-ci.`,
      'Si vous n’êtes pas à l’origine de ce changement, prévenez immédiatement le référent de votre structure.',
    ],
  });
}
