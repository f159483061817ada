/** The e-mails of R15, in French. They name no secret but the invitation link they carry. */
import { buildMail, type MailContent } from '../../views/mail.js';
import { formatDuration } from '../../views/durations.js';
import { ACCEPTANCE_CODE_TTL_MS, describeLevels, INVITATION_TTL_MS, type DelegationLevels } from './assistants.rules.js';

const professionalName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName.toUpperCase()}`;

export function invitationMail(options: { firstName: string; professional: { firstName: string; lastName: string }; levels: DelegationLevels; link: string }): MailContent {
  return buildMail({
    subject: `${professionalName(options.professional)} vous invite comme assistant sur Habilis`,
    paragraphs: [
      `Bonjour ${options.firstName},`,
      `${professionalName(options.professional)}, professionnel libéral, vous invite à agir pour son compte comme assistant sur le service d’orientation, avec ces accès : ${describeLevels(options.levels)}.`,
      `Pour accepter, ouvrez le lien ci-dessous puis identifiez-vous avec votre carte CPS ou votre e-CPS. Le lien est valable ${formatDuration(INVITATION_TTL_MS)} et ne sert qu’une fois.`,
      'Si vous ne connaissez pas ce professionnel, ignorez ce message.',
    ],
    link: { href: options.link, label: 'Accepter l’invitation' },
  });
}

export function acceptedMail(options: { professionalFirstName: string; assistant: { firstName: string; lastName: string }; levels: DelegationLevels }): MailContent {
  return buildMail({
    subject: 'Votre assistant a accepté votre invitation sur Habilis',
    paragraphs: [
      `Bonjour ${options.professionalFirstName},`,
      `${professionalName(options.assistant)} a accepté votre invitation et peut désormais agir pour votre compte avec ces accès : ${describeLevels(options.levels)}.`,
      'Vous pouvez modifier ou retirer ces accès à tout moment depuis « Mes assistants » dans votre compte.',
    ],
  });
}

export function changedMail(options: { assistantFirstName: string; professional: { firstName: string; lastName: string }; levels: DelegationLevels | null }): MailContent {
  return buildMail({
    subject: options.levels ? 'Vos accès d’assistant ont été modifiés sur Habilis' : 'Vos accès d’assistant ont été retirés sur Habilis',
    paragraphs: [
      `Bonjour ${options.assistantFirstName},`,
      options.levels
        ? `${professionalName(options.professional)} a modifié les accès que vous avez pour son compte : ${describeLevels(options.levels)}.`
        : `${professionalName(options.professional)} vous a retiré tous les accès que vous aviez pour son compte.`,
    ],
  });
}

export function acceptanceCodeMail(options: { firstName: string; code: string }): MailContent {
  return buildMail({
    subject: 'Votre code pour créer votre compte d’assistant Habilis',
    paragraphs: [`Bonjour ${options.firstName},`, `Saisissez ce code sur la page de création de votre compte d’assistant. Il est valable ${formatDuration(ACCEPTANCE_CODE_TTL_MS)}.`],
    code: options.code,
    closing: ['Si vous n’êtes pas en train de créer ce compte, ignorez ce message et ne communiquez ce code à personne.'],
  });
}
