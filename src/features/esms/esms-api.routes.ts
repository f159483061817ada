/** The machine-to-machine API of the ESMS notifications: the MDPH's import of decisions. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { authenticateApiCaller, type ApiCaller } from './esms-api-auth.js';
import { authenticateServiceClient } from '../identity-provider/service-client.js';
import { importApplicationRegion } from './esms.repository.js';
import { esmsErrors } from './esms.errors.js';
import { importBatchSchema } from './esms.schemas.js';
import { importDecisions } from './esms-import.service.js';

/**
 * The caller of the import: an OAuth access token (client credentials, scope esms.import) checked by the
 * identity provider's one helper, the application's region being the one a region administrator bound
 * it to; or, deprecated, an interim client's id and secret (HTTP Basic).
 */
async function importCaller(deps: Deps, request: FastifyRequest): Promise<ApiCaller> {
  if (/^Basic /i.test(request.headers.authorization ?? '')) return authenticateApiCaller(deps, request);
  const client = await authenticateServiceClient(request, 'esms.import');
  const regionCode = await importApplicationRegion(deps.db, client.clientId);
  if (regionCode === undefined) throw esmsErrors.IMPORT_APPLICATION_UNBOUND();
  return { clientId: client.clientId, name: client.clientId, regionCode, scope: 'esms.import' };
}

export function esmsApiHandlers(deps: Deps) {
  return {
    /** POST /api/v1/esms/decisions: `{ "decisions": [...] }`, all or nothing, idempotent on idNat_Decision. */
    importDecisions: async (request: FastifyRequest, reply: FastifyReply) => {
      const caller = await importCaller(deps, request);
      const batch = importBatchSchema.safeParse(request.body);
      if (!batch.success) {
        const error = esmsErrors.IMPORT_INVALID();
        return reply.status(400).send({ code: error.code, message: error.message, requestId: request.id, errors: batch.error.issues.map((i) => ({ line: 0, field: i.path.map(String).join('.') || '(envoi)', message: i.message })) });
      }
      const outcome = await importDecisions(deps, batch.data.decisions, [caller.regionCode]);
      if (!outcome.ok) {
        const error = esmsErrors.IMPORT_INVALID();
        return reply.status(400).send({ code: error.code, message: error.message, requestId: request.id, errors: outcome.errors });
      }
      request.log.info({ client: caller.clientId, ...outcome.result }, 'décisions ESMS importées');
      return reply.status(200).send(outcome.result);
    },
  };
}
