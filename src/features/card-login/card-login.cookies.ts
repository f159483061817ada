/**
 * The cookies of an external login in progress (R12, R13, R16): the random id of this browser's
 * flow, whose hash keys the server-side state (state, nonce, PKCE, verified identity).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { isLocalBaseUrl } from '../../config.js';
import { cookieOptions } from '../../http/session.js';
import { FLOW_TTL_MS } from './card-login.rules.js';

export type FlowCookie = 'psc' | 'cps' | 'partner';

const NAMES: Record<FlowCookie, string> = { psc: 'habilis_psc', cps: 'habilis_cps', partner: 'habilis_partner' };

export function flowCookieName(deps: Deps, kind: FlowCookie): string {
  return isLocalBaseUrl(deps.config) ? NAMES[kind] : `__Host-${NAMES[kind]}`;
}

export function readFlowToken(deps: Deps, request: FastifyRequest, kind: FlowCookie): string | undefined {
  return request.cookies[flowCookieName(deps, kind)];
}

export function setFlowCookie(deps: Deps, reply: FastifyReply, kind: FlowCookie, flowToken: string): void {
  reply.setCookie(flowCookieName(deps, kind), flowToken, { ...cookieOptions(deps.config), maxAge: FLOW_TTL_MS / 1000 });
}

export function clearFlowCookie(deps: Deps, reply: FastifyReply, kind: FlowCookie): void {
  reply.clearCookie(flowCookieName(deps, kind), cookieOptions(deps.config));
}
