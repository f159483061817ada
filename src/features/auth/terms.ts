/**
 * Terms of use ("Conditions Générales d'Utilisation"), versioned: a new version is accepted again
 * at the next login (R11). Change TERMS_VERSION whenever the text changes.
 */
export const TERMS_VERSION = '2026-11';

export const TERMS_SECTIONS: { title: string; paragraphs: string[] }[] = [
  {
    title: 'Objet',
    paragraphs: [
      'Habilis donne accès, selon vos habilitations, au service régional d’orientation des patients et des personnes accompagnées. Ces conditions fixent les règles de son utilisation.',
    ],
  },
  {
    title: 'Votre compte est personnel',
    paragraphs: [
      'Un compte correspond à un seul professionnel. Vous ne communiquez jamais votre mot de passe, votre code à usage unique ni votre carte à qui que ce soit, y compris à un collègue ou au support.',
      'Vous vous déconnectez en quittant un poste partagé et signalez sans délai à votre référent toute utilisation suspecte de votre compte.',
    ],
  },
  {
    title: 'Secret professionnel et données de santé',
    paragraphs: [
      'Vous n’accédez qu’aux informations nécessaires à la prise en charge des personnes dont vous avez la charge, dans le respect du secret professionnel et du partage d’informations prévu par le code de la santé publique.',
      'Chaque action est tracée ; les traces peuvent être consultées en cas de contrôle.',
    ],
  },
  {
    title: 'Habilitations',
    paragraphs: [
      'Vos habilitations sont attribuées pour une durée limitée par le référent de votre structure. Quand vos fonctions changent ou prennent fin, vous le prévenez pour qu’il les adapte.',
    ],
  },
  {
    title: 'Données personnelles',
    paragraphs: [
      'Vos données d’identification sont traitées pour gérer votre accès au service. Vous pouvez les consulter et les corriger dans « Mon compte » et exercer vos droits auprès du responsable de traitement de votre région.',
    ],
  },
];
