/** Home page: what Habilis offers, in the professionals' words. */
import { Layout, type Viewer } from '../../views/layout.js';

const MODULES = [
  {
    title: 'Connexion sécurisée',
    text: 'Mot de passe et code à usage unique reçu par e-mail ou SMS, carte CPS ou application e-CPS avec Pro Santé Connect.',
  },
  {
    title: 'Comptes et habilitations',
    text: 'Les référents de structure créent les comptes de leurs collègues, attribuent les profils pour une durée limitée, les prolongent et en font la revue.',
  },
  {
    title: 'Mon compte',
    text: 'Chacun met à jour ses coordonnées, son mot de passe et son canal de réception du code, et retrouve ses habilitations.',
  },
  {
    title: 'Mes référents',
    text: 'Pour chaque habilitation, les référents de l’établissement et de l’unité à contacter, avec leurs coordonnées.',
  },
  {
    title: 'Annuaire',
    text: 'Les établissements et leurs unités, synchronisés avec le Répertoire Opérationnel des Ressources (ROR), et leurs fiches descriptives.',
  },
  {
    title: 'Observatoire',
    // R70: what the Observatoire really does, and for whom (menu Observatoire, right observatory.order).
    text: 'Les référents de structure, les coordinations et les régions commandent des statistiques sur leur périmètre et une période (comptes et habilitations, notifications ESMS du Handicap) : prêtes en quelques secondes, consultables en graphiques et téléchargeables au format Excel pendant 10 jours.',
  },
];

export function HomePage(props: { viewer: Viewer | null; csrfToken: string }) {
  return (
    <Layout title="Accueil" viewer={props.viewer} csrfToken={props.csrfToken}>
      <h1>Bienvenue sur Habilis</h1>
      <p class="lead">
        Habilis gère les comptes des professionnels de santé et du médico-social, leur connexion sécurisée et leurs
        habilitations sur le service d’orientation.
      </p>
      <h2>Ce que vous y trouvez</h2>
      <ul class="cards">
        {MODULES.map((module) => (
          <li class="card">
            <h3>{module.title}</h3>
            <p>{module.text}</p>
          </li>
        ))}
      </ul>
      <h2>Besoin d’aide ?</h2>
      <p>
        Votre compte est bloqué ou une habilitation vous manque : contactez le référent de votre structure. Il peut
        débloquer votre compte et vous attribuer les profils nécessaires.
      </p>
    </Layout>
  );
}
