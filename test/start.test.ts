/**
 * `npm start` as a user runs it on a bare machine: embedded PostgreSQL in a data folder, demo data
 * loaded once, URL and logins printed; Ctrl-C (SIGINT to the process group, as a terminal sends it)
 * stops the app and its PostgreSQL with no process left; a second start keeps the data.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, chmod, mkdir, writeFile, chown } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const NPM = 'npm';
let dataRoot: string;

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process holding the output pipes (npm, the app it started) has ended. */
  closed: Promise<void>;
}

function start(env: Record<string, string>): Started {
  // The user's shell, not vitest's: vite adds BASE_URL, MODE… to process.env.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !['DATABASE_URL', 'NODE_ENV', 'BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR'].includes(key) && !key.startsWith('VITEST')),
  );
  const child = spawn(NPM, ['start', '--silent'], { cwd: ROOT, env: { ...clean, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, output: () => output, exited, closed };
}

async function waitFor(started: Started, text: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!started.output().includes(text)) {
    if (Date.now() > deadline || started.child.exitCode !== null) throw new Error(`attendu « ${text} », reçu :\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function postgresProcessesOf(dataDir: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(dataDir) && !line.includes('ps -eo'));
}

/**
 * npm may exit as soon as it has relayed the signal, before the application has written its last
 * lines: read the output once the application has closed the pipes too (bounded wait).
 */
async function outputAtEnd(started: Started, ms = 15_000): Promise<string> {
  await Promise.race([started.closed, new Promise((r) => setTimeout(r, ms))]);
  return started.output();
}

/** npm may exit as soon as it has relayed the signal: give the app and PostgreSQL a moment to finish. */
async function remainingPostgres(dataDir: string, ms = 15_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  while (postgresProcessesOf(dataDir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return postgresProcessesOf(dataDir);
}

afterAll(async () => {
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

describe('npm start on a bare machine', () => {
  it('starts on embedded PostgreSQL, prints the URL and demo logins, stops cleanly on Ctrl-C, keeps its data', async () => {
    dataRoot = await mkdtemp(path.join(tmpdir(), 'habilis-start-'));
    await chmod(dataRoot, 0o755);
    const dataDir = path.join(dataRoot, 'postgres');
    const port = await freePort();
    const env = { PORT: String(port), EMBEDDED_PG_DIR: dataDir, LOG_LEVEL: 'warn' };

    const first = start(env);
    await waitFor(first, 'Ctrl-C pour arrêter');
    expect(first.output()).toContain(`Habilis est prêt : http://localhost:${port}/`);
    expect(first.output()).toContain('hmartin');
    expect(first.output()).toContain('Compte bloqué');
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'ok' });
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(await home.text()).toContain('Bienvenue sur Habilis');
    expect(postgresProcessesOf(dataDir).length).toBeGreaterThan(0);

    process.kill(-first.child.pid!, 'SIGINT');
    // npm re-raises the signal it received once its script has ended; the application itself exits 0.
    expect(await first.exited).toEqual({ code: null, signal: 'SIGINT' });
    const firstOutput = await outputAtEnd(first);
    expect(firstOutput).not.toContain('arrêt : ressource déjà fermée');
    expect(firstOutput).not.toContain('Error');
    expect(await remainingPostgres(dataDir)).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

    // Second start: same data folder, the demo data are not loaded again.
    const second = start({ ...env, LOG_LEVEL: 'info' });
    await waitFor(second, 'Ctrl-C pour arrêter');
    expect(second.output()).not.toContain('données de démonstration chargées');
    expect(second.output()).not.toContain('migrations appliquées');
    process.kill(-second.child.pid!, 'SIGTERM');
    expect(await second.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const secondOutput = await outputAtEnd(second);
    expect(secondOutput).toContain('arrêt en cours');
    expect(secondOutput).not.toContain('arrêt : ressource déjà fermée');
    expect(await remainingPostgres(dataDir)).toEqual([]);
  }, 180_000);

  it('refuses to start on a malformed variable, naming it', async () => {
    const started = start({ PORT: 'trois-mille' });
    expect((await started.exited).code).toBe(2);
    expect(started.output()).toContain('PORT');
    expect(started.output()).toContain('Configuration invalide');
  });
});

/** A listener holding a loopback port, as another program would. */
async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** A French message, no stack trace, exit code 1. */
async function expectExplainedFailure(started: Started): Promise<string> {
  expect((await started.exited).code).toBe(1);
  const output = started.output();
  expect(output).toContain('Échec du démarrage');
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(output).not.toContain('EACCES');
  return output;
}

describe('npm start explains a start that cannot succeed (issue 12, mechanism 7)', () => {
  const isRoot = userInfo().uid === 0;
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });
  async function folder(): Promise<string> {
    const made = await mkdtemp(path.join(tmpdir(), 'habilis-start-failure-'));
    folders.push(made);
    return made;
  }

  it.runIf(isRoot)('as root, with EMBEDDED_PG_DIR inside a folder the postgres user cannot enter: names the folder and the fixes', async () => {
    const locked = await folder();
    await chmod(locked, 0o700);
    const started = start({ PORT: String(await freePort()), EMBEDDED_PG_DIR: path.join(locked, 'habilis', 'postgres'), LOG_LEVEL: 'warn' });
    const output = await expectExplainedFailure(started);
    expect(output).toContain('PostgreSQL embarqué ne peut pas démarrer');
    expect(output).toContain(`ne peut pas entrer dans le dossier ${locked} (droits drwx------)`);
    expect(output).toContain('lancez Habilis avec un utilisateur ordinaire');
    expect(postgresProcessesOf(locked)).toEqual([]);
  }, 60_000);

  it('with EMBEDDED_PG_PORT taken by another program: names the port and the variable', async () => {
    const port = await freePort();
    const holder = await occupy(port);
    try {
      const dataDir = path.join(await folder(), 'postgres');
      await chmod(path.dirname(dataDir), 0o755);
      const started = start({ PORT: String(await freePort()), EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(port), LOG_LEVEL: 'warn' });
      const output = await expectExplainedFailure(started);
      expect(output).toContain(`PostgreSQL embarqué ne peut pas démarrer : le port ${port} est déjà utilisé par un autre programme.`);
      expect(output).toContain('EMBEDDED_PG_PORT');
      expect(await remainingPostgres(dataDir)).toEqual([]);
    } finally {
      holder.close();
    }
  }, 120_000);

  it('with a data folder of another PostgreSQL version: names both versions and the fixes', async () => {
    const dataDir = path.join(await folder(), 'postgres');
    await chmod(path.dirname(dataDir), 0o755);
    await mkdir(dataDir, { mode: 0o700 });
    // What the server reads before it looks at the version of the files (a PostgreSQL 15 folder's first files).
    const files = { PG_VERSION: '15\n', 'postgresql.conf': '' };
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dataDir, name), text);
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      await chown(dataDir, uid, gid);
      for (const name of Object.keys(files)) await chown(path.join(dataDir, name), uid, gid);
    }
    const started = start({ PORT: String(await freePort()), EMBEDDED_PG_DIR: dataDir, LOG_LEVEL: 'warn' });
    const output = await expectExplainedFailure(started);
    expect(output).toMatch(/le dossier de données .+ a été créé par PostgreSQL 15, alors que le PostgreSQL embarqué est en version 1[6-9]/);
    expect(output).toContain('supprimez ce dossier');
  }, 60_000);

  it('with PORT taken by another program: names the address and the variable', async () => {
    const port = await freePort();
    const holder = await occupy(port);
    try {
      const dataDir = path.join(await folder(), 'postgres');
      await chmod(path.dirname(dataDir), 0o755);
      const started = start({ PORT: String(port), HOST: '127.0.0.1', EMBEDDED_PG_DIR: dataDir, LOG_LEVEL: 'warn' });
      const output = await expectExplainedFailure(started);
      expect(output).toContain(`Habilis ne peut pas écouter sur 127.0.0.1:${port} : ce port est déjà utilisé par un autre programme`);
      expect(output).toContain('PORT=');
      // The embedded PostgreSQL it had started is stopped.
      expect(await remainingPostgres(dataDir)).toEqual([]);
    } finally {
      holder.close();
    }
  }, 180_000);
});
