/** The region administrator's form of a client (issue 17): parsed here, checked by the service against the rules. */
import { z } from 'zod';

const text = (max: number) => z.string().max(max).catch('');
const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).slice(0, 20).map((s) => s.slice(0, 60)));

export const clientForm = z.object({
  name: text(200),
  clientId: text(100),
  redirectUris: text(5000),
  postLogoutRedirectUris: text(5000),
  backchannelLogoutUri: text(600),
  scopes: list,
  domains: list,
  authMethod: text(40),
  jwks: text(20_000),
});

export type ClientForm = z.infer<typeof clientForm>;

/** One URI per line, blank lines dropped. */
export function linesOf(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}
