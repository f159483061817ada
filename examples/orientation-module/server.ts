/**
 * Runs the example module against a Habilis (docs/integration.md):
 *   HABILIS_ISSUER=http://localhost:3000/oidc CLIENT_ID=… CLIENT_SECRET=… PORT=4000 \
 *     node --import tsx examples/orientation-module/server.ts
 * Register it first on /administration/applications with the redirect URI http://localhost:4000/retour.
 */
import { startOrientationModule } from './module.js';

const { HABILIS_ISSUER, CLIENT_ID, CLIENT_SECRET, PORT } = process.env;
if (!HABILIS_ISSUER || !CLIENT_ID || !CLIENT_SECRET) {
  process.stderr.write('HABILIS_ISSUER, CLIENT_ID et CLIENT_SECRET sont obligatoires.\n');
  process.exit(1);
}
const running = await startOrientationModule({
  issuer: HABILIS_ISSUER,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  port: Number(PORT ?? 4000),
  decision: { right: 'directory.read', resource: { type: 'region', id: '76' } },
});
process.stdout.write(`Module d’orientation : ${running.url}\n`);
