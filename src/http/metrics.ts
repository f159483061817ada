/**
 * GET /metrics for Prometheus (platform/metrics.ts), behind the 'metrics' access (guard.ts): a
 * scraper presents METRICS_TOKEN as a bearer token, or comes from an address of METRICS_ALLOW.
 * Without either setting the route does not exist.
 */
import { BlockList, isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { safeEqual } from '../platform/crypto.js';
import { renderMetrics } from '../platform/metrics.js';

/** Whether a request may read the metrics; built once from the configuration. */
export function metricsAccessCheck(config: Config): (request: FastifyRequest) => boolean {
  const settings = config.metrics;
  if (!settings) return () => false;
  const allowed = new BlockList();
  for (const entry of settings.allow) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) allowed.addAddress(address, family);
    else allowed.addSubnet(address, Number(bits), family);
  }
  const expected = settings.token ? `Bearer ${settings.token}` : null;
  return (request) => {
    const authorization = request.headers.authorization;
    if (expected && typeof authorization === 'string' && safeEqual(authorization, expected)) return true;
    const ip = request.ip.replace(/^::ffff:/, '');
    return isIP(ip) !== 0 && allowed.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  };
}

export function metricsHandler(deps: Deps) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    const text = await renderMetrics(deps.db);
    return reply.header('cache-control', 'no-store').type('text/plain; version=0.0.4; charset=utf-8').send(text);
  };
}
