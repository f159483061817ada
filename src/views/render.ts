/** Renders a page component to an HTML document (preact-render-to-string escapes every value). */
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

export function renderPage(page: VNode): string {
  return `<!doctype html>${renderToString(page)}`;
}
