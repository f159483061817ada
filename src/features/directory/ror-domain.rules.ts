/**
 * Domain of an establishment from its FINESS category code (nomenclature TRE_R66, the codes the
 * ROR sends), the catalogue's domains. Categories not listed get no domain from the ROR (a domain
 * already stored stays); CPAM, TND and HNP have no FINESS category of their own. Documented in
 * docs/decisions/0004-directory-domains.md: change both together.
 */
export const DOMAIN_OF_CATEGORY: Readonly<Record<string, 'SANITAIRE' | 'GRAND_AGE' | 'HANDICAP'>> = Object.freeze({
  // Sanitaire: health establishments
  '101': 'SANITAIRE', // Centre hospitalier régional
  '106': 'SANITAIRE', // Centre hospitalier, ex-hôpital local
  '114': 'SANITAIRE', // Hôpital des armées
  '122': 'SANITAIRE', // Établissement de soins obstétriques chirurgico-gynécologiques
  '128': 'SANITAIRE', // Établissement de soins chirurgicaux
  '129': 'SANITAIRE', // Établissement de soins médicaux
  '131': 'SANITAIRE', // Centre de lutte contre le cancer
  '156': 'SANITAIRE', // Centre médico-psychologique
  '292': 'SANITAIRE', // Centre hospitalier spécialisé en psychiatrie
  '355': 'SANITAIRE', // Centre hospitalier
  '365': 'SANITAIRE', // Établissement de soins pluridisciplinaire
  // Grand Âge: older people
  '202': 'GRAND_AGE', // Résidence autonomie
  '207': 'GRAND_AGE', // Centre de jour pour personnes âgées
  '354': 'GRAND_AGE', // Service de soins infirmiers à domicile
  '381': 'GRAND_AGE', // Établissement expérimental pour personnes âgées
  '500': 'GRAND_AGE', // EHPAD
  '501': 'GRAND_AGE', // EHPA percevant des crédits d’assurance maladie
  '502': 'GRAND_AGE', // EHPA ne percevant pas de crédits d’assurance maladie
  // Handicap: disabled children and adults
  '182': 'HANDICAP', // SESSAD
  '183': 'HANDICAP', // Institut médico-éducatif
  '186': 'HANDICAP', // ITEP
  '188': 'HANDICAP', // Établissement pour enfants ou adolescents polyhandicapés
  '189': 'HANDICAP', // CMPP
  '190': 'HANDICAP', // CAMSP
  '192': 'HANDICAP', // Établissement pour déficients moteurs
  '194': 'HANDICAP', // Institut pour déficients visuels
  '195': 'HANDICAP', // Institut pour déficients auditifs
  '196': 'HANDICAP', // Institut d’éducation sensorielle sourds-aveugles
  '246': 'HANDICAP', // ESAT
  '252': 'HANDICAP', // Foyer d’hébergement pour adultes handicapés
  '253': 'HANDICAP', // Foyer d’accueil polyvalent pour adultes handicapés
  '255': 'HANDICAP', // Maison d’accueil spécialisée
  '377': 'HANDICAP', // Établissement expérimental pour l’enfance handicapée
  '379': 'HANDICAP', // Établissement expérimental pour adultes handicapés
  '382': 'HANDICAP', // Foyer de vie, établissement d’accueil non médicalisé
  '437': 'HANDICAP', // Foyer / établissement d’accueil médicalisé
  '445': 'HANDICAP', // SAMSAH
  '446': 'HANDICAP', // SAVS
});

export function domainOfCategory(code: string | null): string | null {
  return code !== null && Object.hasOwn(DOMAIN_OF_CATEGORY, code) ? DOMAIN_OF_CATEGORY[code]! : null;
}
