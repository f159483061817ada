/** The embedded PostgreSQL's last messages (its English texts, lc_messages C) become a French cause and fix. */
import { describe, expect, it } from 'vitest';
import { explainEmbeddedFailure } from './startup-error.js';

const context = { dataDir: '/srv/habilis/data/postgres', port: 54321 };

describe('explainEmbeddedFailure', () => {
  it('a full disk: names the folder and the fix', () => {
    const log = '2026-12-05 10:00:00.000 UTC [42] FATAL:  could not write to file "pg_wal/xlogtemp.42": No space left on device';
    const { message } = explainEmbeddedFailure(log, context);
    expect(message).toContain('le disque qui porte /srv/habilis/data/postgres est plein');
    expect(message).toContain('libérez de la place');
  });

  it('a data folder already used by another server', () => {
    const log = 'FATAL:  lock file "postmaster.pid" already exists\nHINT:  Is another postmaster (PID 4242) running in data directory "/srv/habilis/data/postgres"?';
    expect(explainEmbeddedFailure(log, context).message).toContain('est déjà utilisé par un autre PostgreSQL');
  });

  it('a port taken', () => {
    const log = 'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\nFATAL:  could not create any TCP/IP sockets';
    expect(explainEmbeddedFailure(log, context).message).toContain('le port 54321 est déjà utilisé');
  });

  it('anything else: its last lines, never an empty message', () => {
    const { message } = explainEmbeddedFailure('FATAL:  something unforeseen', context);
    expect(message).toContain('FATAL:  something unforeseen');
    expect(explainEmbeddedFailure('', context).message).toContain('(aucun)');
  });
});
