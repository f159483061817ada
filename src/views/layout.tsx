/** The frame of every page: skip link, header, menus, main content, footer. Works without JavaScript. */
import type { ComponentChildren } from 'preact';
import { assetUrl } from './assets.js';

export interface Viewer {
  firstName: string;
  lastName: string;
  username: string;
  /** Rights held somewhere: a menu entry that needs one is shown only to its holders. */
  rights?: readonly string[];
  /** R14: a liberal professional (menu "Mes assistants"). */
  liberal?: boolean;
  /** R15: an assistant of at least one liberal professional (menu "Mes délégations"). */
  assistant?: boolean;
  /** R50: may run the ROR synchronisation (menu "Synchronisation ROR"). */
  directorySync?: boolean;
  /** ESMS: may import MDPH decisions (menu "Import des décisions"): a region administrator. */
  esmsImport?: boolean;
}

export interface LayoutProps {
  title: string;
  /** The signed-in person, if any. */
  viewer?: Viewer | null;
  /** CSRF token for the forms of the frame (Déconnexion). */
  csrfToken: string;
  children: ComponentChildren;
  /** A page that sends the browser on at once (no script needed): the return to an application after sign-in (issue 17). */
  refreshTo?: string;
}

/** A link shown to everyone signed in, or only to the holders of a right, or only to liberal professionals or assistants. */
type MenuLink = { href: string; label: string; right?: string; only?: 'liberal' | 'assistant' | 'directorySync' | 'esmsImport' };

const MENUS: { title: string; groups: { title: string; links: MenuLink[] }[] }[] = [
  {
    title: 'Administration',
    groups: [
      {
        title: 'Annuaire',
        links: [
          { href: '/annuaire/etablissements', label: 'Établissements' },
          { href: '/annuaire/services', label: 'Services' },
          { href: '/annuaire/unites', label: 'Unités' },
          { href: '/annuaire/synchronisation', label: 'Synchronisation ROR', right: 'directory.edit', only: 'directorySync' },
        ],
      },
      {
        title: 'Utilisateurs',
        links: [
          { href: '/administration/comptes', label: 'Comptes et habilitations', right: 'accounts.manage' },
          { href: '/administration/revue', label: 'Revue des habilitations', right: 'habilitations.review' },
          { href: '/administration/structures-sans-referents', label: 'Structures sans 2 référents', right: 'territory.supervise' },
          { href: '/administration/applications', label: 'Applications clientes', right: 'clients.manage' },
          { href: '/mes-referents', label: 'Mes référents' },
          { href: '/mon-compte/assistants', label: 'Mes assistants', only: 'liberal' },
          { href: '/mes-delegations', label: 'Mes délégations', only: 'assistant' },
          { href: '/mon-compte', label: 'Mon compte' },
        ],
      },
    ],
  },
  {
    title: 'Handicap',
    groups: [
      {
        title: 'Notifications ESMS',
        links: [
          { href: '/esms/tableau-de-bord', label: 'Tableau de bord', right: 'esms.notifications.read' },
          { href: '/esms/recuperer', label: 'Récupérer une notification', right: 'esms.notifications.read' },
          { href: '/esms/import', label: 'Import des décisions', right: 'territory.supervise', only: 'esmsImport' },
        ],
      },
    ],
  },
  {
    title: 'Observatoire',
    groups: [
      {
        title: 'Statistiques',
        links: [
          { href: '/observatoire/commander', label: 'Commander', right: 'observatory.order' },
          { href: '/observatoire/consulter', label: 'Consulter', right: 'observatory.order' },
        ],
      },
    ],
  },
];

/** The menus and links the viewer may use; an empty group or menu disappears. */
function visibleMenus(viewer: Viewer) {
  const allowed = (link: MenuLink) => (!link.right || (viewer.rights ?? []).includes(link.right)) && (!link.only || viewer[link.only] === true);
  return MENUS.map((menu) => ({ ...menu, groups: menu.groups.map((g) => ({ ...g, links: g.links.filter(allowed) })).filter((g) => g.links.length > 0) })).filter(
    (menu) => menu.groups.length > 0,
  );
}

export function Layout({ title, viewer, csrfToken, children, refreshTo }: LayoutProps) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {refreshTo ? <meta http-equiv="refresh" content={`0;url=${refreshTo}`} /> : null}
        <title>{`${title} – Habilis`}</title>
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('habilis.css')} />
        {viewer ? <script src={assetUrl('menu.js')} defer /> : null}
      </head>
      <body>
        <a class="skip-link" href="#contenu">
          Aller au contenu
        </a>
        <header class="site-header">
          <div class="site-header__inner">
            <a class="brand" href="/">
              <span class="brand__name">Habilis</span>
              <span class="brand__tagline">Comptes et habilitations des professionnels</span>
            </a>
            {viewer ? (
              <div class="viewer">
                <a href="/mon-compte" class="viewer__name">
                  {viewer.firstName} {viewer.lastName.toUpperCase()}
                </a>
                <form method="post" action="/deconnexion" class="inline-form">
                  <input type="hidden" name="_csrf" value={csrfToken} />
                  <button type="submit" class="button button--secondary">
                    Déconnexion
                  </button>
                </form>
              </div>
            ) : (
              <a href="/connexion" class="button button--secondary">
                Se connecter
              </a>
            )}
          </div>
          {viewer ? (
            <nav class="main-nav" aria-label="Menu principal">
              <ul class="main-nav__menus">
                {visibleMenus(viewer).map((menu) => (
                  <li class="main-nav__menu">
                    <span class="main-nav__title">{menu.title}</span>
                    <ul class="main-nav__groups">
                      {menu.groups.map((group) => (
                        <li>
                          <span class="main-nav__group">{group.title}</span>
                          <ul>
                            {group.links.map((link) => (
                              <li>
                                <a href={link.href}>{link.label}</a>
                              </li>
                            ))}
                          </ul>
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </header>
        <main id="contenu" class="content" tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <p>Habilis – service des comptes et habilitations des professionnels de santé et du médico-social.</p>
        </footer>
      </body>
    </html>
  );
}
