/**
 * Two (or more) Habilis processes on one PostgreSQL, behind a loopback round-robin proxy: the
 * deployment of README "Running in production", on this machine. The PostgreSQL is an embedded
 * one started here (so a test can stop and start it), with the production roles (owner migrates,
 * the nodes connect as the application role). Used by the cluster tests and bench/mix.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded.js';
import { provisionDatabase } from '../../src/db/roles.js';
import { DEMO_PASSWORD, demoUsername } from '../../src/db/seed/demo.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export { DEMO_PASSWORD, demoUsername };

export interface Node {
  name: string;
  port: number;
  child: ChildProcess;
  output(): string;
}

export interface Cluster {
  /** The proxy's address: BASE_URL of every node. */
  url: string;
  nodes: Node[];
  postgres: EmbeddedServer;
  /** The application role's connection, for what a test reads (codes in the outbox). */
  db: pg.Pool;
  /** The owner role's connection, for what only an operator would do. */
  ownerDb: pg.Pool;
  /** How many requests each node answered. */
  served: Map<string, number>;
  stop(): Promise<void>;
}

/** The user's shell environment, not vitest's (vite adds BASE_URL, MODE… to process.env). */
function cleanEnv(): Record<string, string> {
  const dropped = new Set(['DATABASE_URL', 'DATABASE_MIGRATION_URL', 'NODE_ENV', 'BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'PORT', 'SMTP_URL']);
  return Object.fromEntries(Object.entries(process.env).filter(([key, value]) => value !== undefined && !dropped.has(key) && !key.startsWith('VITEST'))) as Record<string, string>;
}

async function startNode(name: string, env: Record<string, string>): Promise<Node> {
  const port = Number(env.PORT);
  const child = spawn(process.execPath, ['--max-semi-space-size=16', '--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = `${output}${chunk}`.slice(-200_000)));
  child.stderr!.on('data', (chunk) => (output = `${output}${chunk}`.slice(-200_000)));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Ctrl-C pour arrêter')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`le nœud ${name} n’a pas démarré :\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, port, child, output: () => output };
}

const randomAddress = () => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/** What the proxy could not forward (a node that closed a connection without answering). */
export const proxyErrors: string[] = [];

/** A loopback round-robin proxy: each request to the next node; the client's address in X-Forwarded-For. */
function startProxy(nodes: Node[], served: Map<string, number>, port: number, randomClients: boolean): Promise<Server> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const server = createServer((request, response) => {
    const node = nodes[next++ % nodes.length]!;
    served.set(node.name, (served.get(node.name) ?? 0) + 1);
    const client = String(request.headers['x-test-client'] ?? (randomClients ? randomAddress() : '127.0.0.1'));
    const upstream = httpRequest(
      { host: '127.0.0.1', port: node.port, method: request.method, path: request.url, agent, headers: { ...request.headers, 'x-forwarded-for': client } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-test-node': node.name });
        answer.pipe(response);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      proxyErrors.push(`${node.name}: ${error.code ?? error.message}`);
      if (!response.headersSent) response.writeHead(502, { 'x-test-node': node.name });
      response.end();
    });
    request.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/**
 * `randomClients`: a request that does not name its client (x-test-client) comes from a new random
 * address, so that a scanner's thousands of requests do not hit the per-address limits.
 */
export async function startCluster(options: { nodes?: number; env?: Record<string, string>; randomClients?: boolean } = {}): Promise<Cluster> {
  const folder = await mkdtemp(path.join(tmpdir(), 'habilis-cluster-'));
  await chmod(folder, 0o755);
  // A fixed port: after a restart the nodes find the server where it was.
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pg'), persistent: true, port: await freePort() });
  const password = randomBytes(18).toString('hex');
  const { appUrl, ownerUrl } = await provisionDatabase(postgres.url, { database: 'habilis', ownerRole: 'habilis_owner', appRole: 'habilis_app', password });
  const proxyPort = await freePort();
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: appUrl,
    DATABASE_MIGRATION_URL: ownerUrl,
    BASE_URL: `http://127.0.0.1:${proxyPort}`,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    TRUST_PROXY: '127.0.0.1',
    JOBS: 'true',
    LOG_LEVEL: 'warn',
    DATABASE_POOL_SIZE: '10',
    ...options.env,
  };
  const nodes: Node[] = [];
  const served = new Map<string, number>();
  const db = new pg.Pool({ connectionString: appUrl, max: 4, connectionTimeoutMillis: 5_000 });
  const ownerDb = new pg.Pool({ connectionString: ownerUrl, max: 2, connectionTimeoutMillis: 5_000 });
  db.on('error', () => undefined);
  ownerDb.on('error', () => undefined);
  let proxy: Server | null = null;
  const stop = async () => {
    proxy?.closeAllConnections();
    proxy?.close();
    await Promise.all(
      nodes.map((node) => (node.child.exitCode === null ? new Promise<void>((resolve) => { node.child.once('exit', () => resolve()); node.child.kill('SIGTERM'); }) : undefined)),
    );
    await db.end().catch(() => undefined);
    await ownerDb.end().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  };
  try {
    // One after the other: the first migrates and loads the demo data, the second finds them.
    for (let i = 0; i < (options.nodes ?? 2); i += 1) nodes.push(await startNode(`node-${i + 1}`, { ...env, PORT: String(await freePort()) }));
    proxy = await startProxy(nodes, served, proxyPort, options.randomClients ?? false);
    return { url: env.BASE_URL, nodes, postgres, db, ownerDb, served, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface Answer {
  status: number;
  location: string | null;
  type: string;
  body: string;
  node: string;
  buffer: Buffer;
}

const clientAgent = new HttpAgent({ keepAlive: true, maxSockets: 512 });

/**
 * A browser over the proxy: keeps its cookies, sends forms as our pages do (Origin, the CSRF token
 * of the last page it read), and presents its own client address to the nodes.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  private token = '';
  constructor(
    readonly base: string,
    readonly ip = randomAddress(),
  ) {}

  private async send(method: 'GET' | 'POST', url: string, body?: string): Promise<Answer> {
    // node:http rather than fetch, which does not let a script set Origin.
    const response = await new Promise<IncomingMessage & { buffer: Buffer }>((resolve, reject) => {
      const request = httpRequest(`${this.base}${url}`, {
        method,
        agent: clientAgent,
        headers: {
          accept: 'text/html',
          'x-test-client': this.ip,
          cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body !== undefined ? { origin: this.base, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      });
      request.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve(Object.assign(answer, { buffer: Buffer.concat(chunks) })));
        answer.on('error', reject);
      });
      request.on('error', reject);
      // A request without an answer is a finding, not a hang of the test.
      request.setTimeout(60_000, () => request.destroy(new Error(`pas de réponse en 60 s : ${method} ${url}`)));
      request.end(body);
    });
    const setCookies = response.headers['set-cookie'] ?? [];
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const buffer = response.buffer;
    const type = String(response.headers['content-type'] ?? '');
    const text = type.includes('text/') || type.includes('json') ? buffer.toString('utf8') : '';
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.token = token;
    return { status: response.statusCode ?? 0, location: response.headers.location ?? null, type, body: text, node: String(response.headers['x-test-node'] ?? ''), buffer };
  }

  get(url: string): Promise<Answer> {
    return this.send('GET', url);
  }

  post(url: string, fields: Record<string, string> = {}): Promise<Answer> {
    return this.send('POST', url, new URLSearchParams({ _csrf: this.token, ...fields }).toString());
  }
}

/** The 6-digit code of the latest message to this address (the outbox, as /dev/mails shows it). */
export async function latestCode(db: pg.Pool, email: string): Promise<string> {
  const { rows } = await db.query<{ text_body: string }>('select text_body from outbox_messages where recipient = $1 order by id desc limit 1', [email]);
  const code = /\b(\d{6})\b/.exec(rows[0]?.text_body ?? '')?.[1];
  if (!code) throw new Error(`aucun code pour ${email}`);
  return code;
}

export async function accountOf(db: pg.Pool, username: string): Promise<{ id: number; email: string }> {
  const { rows } = await db.query<{ id: number; email: string }>('select id, email from accounts where username = $1', [username]);
  if (!rows[0]) throw new Error(`pas de compte ${username}`);
  return rows[0];
}

/** Password, then the code read from the outbox: a strong session (R06). */
export async function login(browser: Browser, db: pg.Pool, username: string, email: string): Promise<Answer[]> {
  const steps: Answer[] = [];
  steps.push(await browser.get('/connexion'));
  steps.push(await browser.post('/connexion', { username, password: DEMO_PASSWORD }));
  if (steps.at(-1)!.status !== 303) return steps;
  if (!steps.at(-1)!.location?.startsWith('/connexion/code')) return steps; // trusted browser (R05)
  steps.push(await browser.get(steps.at(-1)!.location!));
  steps.push(await browser.post('/connexion/code', { code: await latestCode(db, email) }));
  // A first login accepts the terms of use (R11), as the demo accounts have not yet.
  if (steps.at(-1)!.location?.startsWith('/connexion/conditions')) {
    steps.push(await browser.get('/connexion/conditions'));
    steps.push(await browser.post('/connexion/conditions', { accept: '1' }));
  }
  return steps;
}
