/**
 * Static assets (our CSS, small progressive-enhancement scripts), read once at boot and served
 * with a content hash in the URL so browsers cache them for a year.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const ALTCHA = '../../node_modules/altcha/dist/';

/** Served name → [content type, source relative to this folder]. */
const FILES: Record<string, [string, string]> = {
  'habilis.css': [CSS, './static/habilis.css'],
  'favicon.svg': ['image/svg+xml', './static/favicon.svg'],
  // The anti-robot widget, its French texts and its worker, from the package (no third-party origin).
  'altcha.js': [JS, `${ALTCHA}external/altcha.min.js`],
  'altcha.css': [CSS, `${ALTCHA}external/altcha.css`],
  'altcha-fr.js': [JS, `${ALTCHA}i18n/fr-fr.js`],
  'altcha-pbkdf2.js': [JS, `${ALTCHA}workers/pbkdf2.js`],
  'altcha-setup.js': [JS, './static/altcha-setup.js'],
  // R39: the review's filters load the structure list when a domain or a coordination is chosen.
  'review-filters.js': [JS, './static/review-filters.js'],
  // The main menu collapses behind a "Menu" button on narrow screens.
  'menu.js': [JS, './static/menu.js'],
  // Observatoire, "Consulter": follows the status of pending orders (R70).
  'observatoire.js': [JS, './static/observatoire.js'],
};

export interface Asset {
  body: Buffer;
  contentType: string;
  hash: string;
}

const assets = new Map<string, Asset>(
  Object.entries(FILES).map(([name, [contentType, source]]) => {
    const body = readFileSync(new URL(source, import.meta.url));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    return [name, { body, contentType, hash }];
  }),
);

export function getAsset(name: string): Asset | undefined {
  return assets.get(name);
}

export function assetUrl(name: string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`asset inconnu : ${name}`);
  return `/static/${asset.hash}/${name}`;
}
