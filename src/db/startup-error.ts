/**
 * A start that cannot succeed says why in French, and what to do, instead of a stack: `main.ts`
 * prints the message of a StartupError as it is. `explainEmbeddedFailure` reads what the embedded
 * PostgreSQL wrote before it stopped (its messages are in English, as `lc_messages` is C) and
 * names the cause an operator can fix.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

const HEADER = 'PostgreSQL embarqué ne peut pas démarrer';

export function rootCannotEnter(directory: string, mode: string): StartupError {
  return new StartupError(
    `${HEADER} : Habilis est lancé en root ; PostgreSQL refuse de tourner en root et s’exécute alors sous ` +
      `l’utilisateur système « postgres », qui ne peut pas entrer dans le dossier ${directory} (droits ${mode}).\n` +
      'Solutions : lancez Habilis avec un utilisateur ordinaire ; ou placez le projet et EMBEDDED_PG_DIR dans un dossier ' +
      `que « postgres » peut traverser (par exemple /opt/habilis, ou « chmod o+x ${directory} ») ; ` +
      'ou indiquez un serveur PostgreSQL avec DATABASE_URL.',
  );
}

export function httpPortTaken(host: string, port: number): StartupError {
  return new StartupError(
    `Habilis ne peut pas écouter sur ${host}:${port} : ce port est déjà utilisé par un autre programme (un autre « npm start » ?).\n` +
      `Solution : arrêtez cet autre programme, ou choisissez un autre port, par exemple « PORT=${port === 3000 ? 3001 : 3000} npm start ».`,
  );
}

/** The cause of a failed embedded start, from the server's last messages. */
export function explainEmbeddedFailure(log: string, context: { dataDir: string; port: number }): StartupError {
  const { dataDir, port } = context;
  if (/could not bind .*socket|Address already in use|could not create any TCP\/IP sockets/i.test(log)) {
    return new StartupError(
      `${HEADER} : le port ${port} est déjà utilisé par un autre programme.\n` +
        'Solution : choisissez un port libre avec EMBEDDED_PG_PORT, ou laissez cette variable vide pour qu’un port libre soit choisi.',
    );
  }
  if (/lock file "postmaster\.pid" already exists/i.test(log)) {
    return new StartupError(
      `${HEADER} : le dossier de données ${dataDir} est déjà utilisé par un autre PostgreSQL (un autre « npm start » est-il en cours ?).\n` +
        'Solution : arrêtez l’autre Habilis (Ctrl-C), ou choisissez un autre dossier avec EMBEDDED_PG_DIR.',
    );
  }
  const version = /initialized by PostgreSQL version ([0-9.]+), which is not compatible with this version ([0-9.]+)/i.exec(log);
  if (version || /database files are incompatible with server/i.test(log)) {
    const found = version ? ` par PostgreSQL ${version[1]}, alors que le PostgreSQL embarqué est en version ${version[2]}` : ' par une autre version de PostgreSQL';
    return new StartupError(
      `${HEADER} : le dossier de données ${dataDir} a été créé${found}.\n` +
        'Solutions : supprimez ce dossier pour repartir des données de démonstration ; ou, pour garder ses données, ' +
        'exportez-les avec pg_dump de sa version puis importez-les ; ou choisissez un autre dossier avec EMBEDDED_PG_DIR.',
    );
  }
  if (/No space left on device|could not extend file|disk full/i.test(log)) {
    return new StartupError(
      `${HEADER} : le disque qui porte ${dataDir} est plein.\n` +
        'Solution : libérez de la place sur ce disque, ou choisissez un dossier sur un autre disque avec EMBEDDED_PG_DIR.',
    );
  }
  if (/Permission denied|EACCES/i.test(log)) {
    return new StartupError(
      `${HEADER} : l’accès au dossier de données ${dataDir} est refusé.\n` +
        'Solution : donnez ce dossier à l’utilisateur qui lance Habilis (ou à « postgres » quand il est lancé en root), ou choisissez-en un autre avec EMBEDDED_PG_DIR.',
    );
  }
  const tail = log.trim().split('\n').slice(-8).join('\n');
  return new StartupError(`${HEADER}. Ses derniers messages :\n${tail || '(aucun)'}\nSolution : corrigez la cause indiquée, ou indiquez un serveur PostgreSQL avec DATABASE_URL.`);
}
