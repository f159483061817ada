/**
 * `npm run idp:keys`: a new signing key for the OpenID provider (RSA 2048, RS256), encrypted with
 * IDP_KEY_ENCRYPTION_KEY; the previous keys are retired but stay published a day (JWKS), so tokens
 * and ID tokens they signed still verify. Each node signs with the new key from its next start.
 */
import { loadConfig } from '../../config.js';
import { buildDeps } from '../../deps.js';
import { openDatabaseTarget } from '../../db/boot.js';
import { StartupError } from '../../db/startup-error.js';
import { rotateSigningKey } from './idp-keys.service.js';

const config = loadConfig();
try {
  const target = await openDatabaseTarget(config);
  const deps = buildDeps(config, target.appUrl);
  try {
    const { kid, retired, deleted } = await rotateSigningKey(deps);
    process.stdout.write(`Nouvelle clé de signature : ${kid} (clés retirées : ${retired}, supprimées : ${deleted}). Redémarrez les nœuds pour qu’ils signent avec elle.\n`);
  } finally {
    await deps.db.destroy();
    await target.embedded?.stop();
  }
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
