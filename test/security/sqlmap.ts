/**
 * sqlmap (Debian's package) against the forms that take free text to the database: login,
 * forgotten password, account search, review of habilitations. The application runs on an embedded
 * PostgreSQL with the demo data (test/cluster, one node); the authenticated forms are scanned with a
 * signed-in referent's session; POST forms with sqlmap's CSRF handling (--csrf-token, --csrf-url)
 * and our Origin. Bounded: level 2, risk 2 (no OR-based payloads that could change rows), 1-second time-based
 * delays, a time limit per form.
 * Exits 1 when sqlmap reports an injection point, or when it could not test a form.
 * `npm run security:sqlmap` (in .ci/run).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accountOf, Browser, demoUsername, login, startCluster } from '../cluster/cluster.js';

const PER_FORM_MS = 240_000;

interface Target {
  name: string;
  url: string;
  data?: string;
  cookie: string;
  params: string;
}

function runSqlmap(args: string[]): Promise<{ output: string; error: string | null }> {
  return new Promise((resolve) => {
    const child = spawn('sqlmap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), PER_FORM_MS);
    child.on('error', (error) => resolve({ output, error: String(error) }));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ output, error: signal ? `sqlmap arrêté (${signal}) après ${PER_FORM_MS / 1000} s` : null });
    });
  });
}

const cluster = await startCluster({ nodes: 1, randomClients: true, env: { JOBS: 'false', LOGIN_FAILURE_MIN_MS: '0' } });
const output = await mkdtemp(path.join(tmpdir(), 'habilis-sqlmap-'));
let failed = false;
try {
  const base = cluster.url;
  const cookieOf = (browser: Browser) => [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const anonymous = new Browser(base);
  await anonymous.get('/connexion');
  const referent = new Browser(base);
  const account = await accountOf(cluster.db, demoUsername(0));
  const steps = await login(referent, cluster.db, demoUsername(0), account.email);
  if (steps.at(-1)?.status !== 303 || !referent.cookies.has('habilis_session')) throw new Error('connexion du référent impossible');
  const { rows } = await cluster.db.query<{ id: number }>("select id from establishments where finess = '349900011'");
  const targets: Target[] = [
    { name: 'recherche de comptes', url: `${base}/administration/comptes?q=martin&page=1`, cookie: cookieOf(referent), params: 'q,page' },
    { name: 'revue des habilitations', url: `${base}/administration/revue?domaine=SANITAIRE&coordination=34&structure=${rows[0]!.id}&tri=nom&ordre=asc`, cookie: cookieOf(referent), params: 'domaine,coordination,structure,tri,ordre' },
    // Last, and with another username than the referent's: wrong passwords block an account (R02).
    { name: 'connexion', url: `${base}/connexion`, data: 'username=utilisateur.inconnu&password=inconnu&_csrf=x', cookie: cookieOf(anonymous), params: 'username,password' },
    { name: 'mot de passe oublié', url: `${base}/mot-de-passe-oublie`, data: 'username=utilisateur.inconnu&_csrf=x', cookie: cookieOf(anonymous), params: 'username' },
  ];
  // The signed-in forms are scanned as the referent sees them: check the session before and after.
  const signedIn = async () => (await referent.get('/administration/revue')).status === 200;
  if (!(await signedIn())) throw new Error('session du référent refusée avant le balayage');
  for (const target of targets) {
    if (target.name === 'connexion' && !(await signedIn())) {
      failed = true;
      process.stdout.write('ÉCHEC : la session du référent a pris fin pendant le balayage des formulaires authentifiés\n');
    }
    const started = Date.now();
    const form = target.data ? ['--data', target.data, '--csrf-token', '_csrf', '--csrf-url', target.url] : [];
    // Asynchronous: the proxy in front of the node runs in this process.
    const run = await runSqlmap(
      [
        '-u', target.url, ...form, '-p', target.params,
        '--cookie', target.cookie, '--drop-set-cookie', '--headers', `Origin: ${base}\nAccept: text/html`,
        '--dbms', 'PostgreSQL', '--level', '2', '--risk', '2', '--technique', 'BEUST', '--time-sec', '1',
        '--timeout', '10', '--retries', '1', '--ignore-code', '401,403,429', '-v', '1', '--batch', '--flush-session', '--disable-coloring', '--output-dir', output,
      ],
    );
    const text = run.output;
    const injectable = /identified the following injection point|parameter '[^']+' is vulnerable|appears to be '[^']+' injectable/i.test(text);
    const tested = /do not appear to be injectable|does not seem to be injectable/i.test(text);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (injectable || !tested || run.error) {
      failed = true;
      process.stdout.write(`ÉCHEC ${target.name} (${seconds} s) : ${injectable ? 'injection trouvée' : run.error ? String(run.error) : 'sqlmap n’a pas pu tester'}\n${text.split('\n').slice(-40).join('\n')}\n`);
    } else {
      const requests = /(\d+) HTTP\(s\) requests/.exec(text)?.[1];
      process.stdout.write(`${target.name} : aucune injection (${target.params}, ${seconds} s${requests ? `, ${requests} requêtes` : ''})\n`);
      if (process.env.SQLMAP_VERBOSE) process.stdout.write(`${text.split('\n').filter((l) => /\[(INFO|WARNING|CRITICAL|ERROR)\]/.test(l)).join('\n')}\n`);
    }
  }
} finally {
  await cluster.stop();
  await rm(output, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
