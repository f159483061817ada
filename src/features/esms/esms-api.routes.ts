/** The machine-to-machine API of the ESMS notifications: the MDPH's import of decisions. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { importApplicationRegion } from './esms-applications.repository.js';
import { esmsErrors } from './esms.errors.js';
import { importBatchSchema } from './esms.schemas.js';
import { importDecisions } from './esms-import.service.js';

/**
 * The caller's region. The route is declared `{ scope: 'esms.import' }`: the guard has already checked the
 * OAuth access token (client credentials) with the identity provider's authenticateServiceClient; the
 * application imports only into the one region a region administrator bound it to.
 */
async function importRegion(deps: Deps, request: FastifyRequest): Promise<{ clientId: string; regionCode: string }> {
  const clientId = request.serviceClient?.clientId;
  const regionCode = clientId === undefined ? undefined : await importApplicationRegion(deps.db, clientId);
  if (clientId === undefined || regionCode === undefined) throw esmsErrors.IMPORT_APPLICATION_UNBOUND();
  return { clientId, regionCode };
}

export function esmsApiHandlers(deps: Deps) {
  return {
    /** POST /api/v1/esms/decisions: `{ "decisions": [...] }`, all or nothing, idempotent on idNat_Decision. */
    importDecisions: async (request: FastifyRequest, reply: FastifyReply) => {
      const caller = await importRegion(deps, request);
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
