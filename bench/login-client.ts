/**
 * Load generator of bench/login.ts, in a process of its own so that its CPU is not counted against
 * the server's logins. Argv: base URL, origin, seconds, concurrency, accounts. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';

const [base, origin, secondsArg, concurrencyArg, accountsArg] = process.argv.slice(2) as [string, string, string, string, string];
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
const accounts = Number(accountsArg);

const clients = await Promise.all(
  Array.from({ length: concurrency }, async (_, worker) => {
    const response = await fetch(`${base}/connexion`, { headers: { 'x-forwarded-for': `10.9.${worker}.1` } });
    const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())![1]!;
    return { cookie, token };
  }),
);

let next = 0;
let count = 0;
const sessions: { cookie: string; token: string; account: number }[] = [];
const end = performance.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  clients.map(async (client, worker) => {
    while (performance.now() < end) {
      const n = next++ % accounts;
      const response = await fetch(`${base}/connexion`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie: client.cookie, 'x-forwarded-for': `10.9.${worker}.${1 + (next % 250)}` },
        body: new URLSearchParams({ _csrf: client.token, username: `bench${n}`, password: 'Tulipe-Verte-42' }),
      });
      await response.arrayBuffer();
      if (response.status !== 303) throw new Error(`login: HTTP ${response.status}`);
      count += 1;
      if (sessions.length < 300) {
        const session = response.headers.getSetCookie().find((c) => c.startsWith('habilis_session='))!.split(';')[0]!;
        sessions.push({ cookie: `${client.cookie}; ${session}`, token: client.token, account: n });
      }
    }
  }),
);
process.stdout.write(`${JSON.stringify({ count, perSecond: count / ((performance.now() - started) / 1000), sessions })}\n`);
