/**
 * Static assets (our CSS, small progressive-enhancement scripts), read once at boot and served
 * with a content hash in the URL so browsers cache them for a year.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const FILES: Record<string, string> = {
  'habilis.css': 'text/css; charset=utf-8',
};

export interface Asset {
  body: Buffer;
  contentType: string;
  hash: string;
}

const assets = new Map<string, Asset>(
  Object.entries(FILES).map(([name, contentType]) => {
    const body = readFileSync(new URL(`./static/${name}`, import.meta.url));
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
