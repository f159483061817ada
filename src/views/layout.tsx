/** The frame of every page: skip link, header, menus, main content, footer. Works without JavaScript. */
import type { ComponentChildren } from 'preact';
import { assetUrl } from './assets.js';

export interface Viewer {
  firstName: string;
  lastName: string;
  username: string;
}

export interface LayoutProps {
  title: string;
  /** The signed-in person, if any. */
  viewer?: Viewer | null;
  /** CSRF token for the forms of the frame (Déconnexion). */
  csrfToken: string;
  children: ComponentChildren;
}

const MENUS: { title: string; groups: { title: string; links: { href: string; label: string }[] }[] }[] = [
  {
    title: 'Administration',
    groups: [
      {
        title: 'Annuaire',
        links: [
          { href: '/annuaire/etablissements', label: 'Établissements' },
          { href: '/annuaire/unites', label: 'Unités' },
        ],
      },
      {
        title: 'Utilisateurs',
        links: [
          { href: '/administration/comptes', label: 'Comptes et habilitations' },
          { href: '/mes-referents', label: 'Mes référents' },
          { href: '/mon-compte', label: 'Mon compte' },
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
          { href: '/observatoire/commander', label: 'Commander' },
          { href: '/observatoire/consulter', label: 'Consulter' },
        ],
      },
    ],
  },
];

export function Layout({ title, viewer, csrfToken, children }: LayoutProps) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – Habilis`}</title>
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('habilis.css')} />
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
                {MENUS.map((menu) => (
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
