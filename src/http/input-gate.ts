/**
 * The HTTP side of the input gate (src/platform/input.ts): before any handler, after the CSRF check
 * and the guard, every path parameter, query string and body of every route is checked.
 * - Path parameters named `id`, `hid` or `…Id` are strict ids; anything else there is no page (404).
 *   Other parameters get the generic checks.
 * - A body the route declares (`withInput({ body })`) is parsed by its form and replaced by the
 *   normalised values; a refusal answers 400 with a French message at each field and nothing runs.
 * - Whatever is not declared (query strings, bodies of undeclared routes, JSON) gets the generic
 *   checks: NFC, no controls but tab and line breaks, LOOSE_MAX characters.
 */
import type { FastifyRequest } from 'fastify';
import { checkLooseValue, displayValues, inputErrors, isStrictId, parseForm, type RouteInput } from '../platform/input.js';
import { DomainError } from '../platform/errors.js';
import { httpErrors } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** A refused declared form whose handler shows refusals itself (`rendersRefusals`): `refuseInput` throws it. */
    inputRefusal?: DomainError;
  }
  interface FastifyContextConfig {
    /** The inputs the route's handler declares (route-table.ts reads them from the handler). */
    input?: RouteInput;
  }
}

const ID_PARAM = /^(id|hid|[a-z]+Id)$/;

export async function inputGate(request: FastifyRequest): Promise<void> {
  const input = request.routeOptions.config?.input;
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (ID_PARAM.test(name) && !input?.textParams?.includes(name)) {
      if (!isStrictId(value)) throw httpErrors.NOT_FOUND();
    } else {
      const fields: Record<string, string> = {};
      checkLooseValue(value, name, fields);
      if (Object.keys(fields).length > 0) throw httpErrors.NOT_FOUND();
    }
  }
  const fields: Record<string, string> = {};
  const query = checkLooseValue(request.query ?? {}, '', fields);
  if (Object.keys(fields).length > 0) throw inputErrors.INPUT_INVALID(fields);
  request.query = query;
  if (request.body === undefined || request.body === null) {
    if (input?.body) request.body = parseForm(input.body, {});
    return;
  }
  if (input?.body) {
    try {
      request.body = parseForm(input.body, request.body);
    } catch (error) {
      if (!(error instanceof DomainError) || !input.rendersRefusals) throw error;
      request.inputRefusal = error;
      request.body = displayValues(input.body, request.body);
    }
    return;
  }
  const body = checkLooseValue(request.body, '', fields);
  if (Object.keys(fields).length > 0) throw inputErrors.INPUT_INVALID(fields);
  request.body = body;
}

/** For a handler that shows refusals in its own form: throws the gate's refusal, before anything is written. */
export function refuseInput(request: FastifyRequest): void {
  if (request.inputRefusal) throw request.inputRefusal;
}
