/**
 * Load generator of bench/login.ts, in a process of its own. Argv: base URL, origin, seconds,
 * concurrency, accounts. Prints one JSON line, with the CPU time this generator used.
 *
 * On a small machine the generator shares the cores with the server: it speaks plain node:http over
 * keep-alive connections, which costs a third of what fetch costs per request, and reports its own
 * CPU so that the bench can say how much of the machine it took.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [base, origin, secondsArg, concurrencyArg, accountsArg] = process.argv.slice(2) as [string, string, string, string, string];
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
const accounts = Number(accountsArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

interface Answer {
  status: number;
  setCookies: string[];
  body: string;
}

function request(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(new URL(path, base), { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, setCookies: response.headers['set-cookie'] ?? [], body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const clients = await Promise.all(
  Array.from({ length: concurrency }, async (_, worker) => {
    const response = await request('GET', '/connexion', { 'x-forwarded-for': `10.9.${worker}.1` });
    const cookie = response.setCookies.map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)![1]!;
    return { cookie, token };
  }),
);

let next = 0;
let count = 0;
const sessions: { cookie: string; token: string; account: number }[] = [];
const end = performance.now() + seconds * 1000;
const started = performance.now();
const cpuAtStart = process.cpuUsage();
await Promise.all(
  clients.map(async (client, worker) => {
    while (performance.now() < end) {
      const n = next++ % accounts;
      const response = await request(
        'POST',
        '/connexion',
        { 'content-type': 'application/x-www-form-urlencoded', origin, cookie: client.cookie, 'x-forwarded-for': `10.9.${worker}.${1 + (next % 250)}` },
        new URLSearchParams({ _csrf: client.token, username: `bench${n}`, password: 'Tulipe-Verte-42' }).toString(),
      );
      if (response.status !== 303) throw new Error(`login: HTTP ${response.status}`);
      count += 1;
      if (sessions.length < 300) {
        const session = response.setCookies.find((c) => c.startsWith('habilis_session='))!.split(';')[0]!;
        sessions.push({ cookie: `${client.cookie}; ${session}`, token: client.token, account: n });
      }
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
agent.destroy();
process.stdout.write(`${JSON.stringify({ count, perSecond: count / elapsed, cpuMs: (cpu.user + cpu.system) / 1000, sessions })}\n`);
