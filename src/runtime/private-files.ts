import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/** Owner only: what the data folder is made with, whatever the umask. */
export const PRIVATE_FOLDER_MODE = 0o700;
/** Owner read and write: what the database files and the secret key are made with, whatever the umask. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes `folder` and any missing parents, each readable by its owner only. A folder that exists already
 * is left as it is: it was chosen by whoever made it.
 */
export function makePrivateFolder(folder: string): void {
  const first = mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  if (first === undefined) return;
  // The umask may have taken bits from the mode given to mkdir; set it outright.
  chmodSync(folder, PRIVATE_FOLDER_MODE);
  if (first !== folder) chmodSync(first, PRIVATE_FOLDER_MODE);
}

/**
 * Makes the file at `path` readable and writable by its owner only, creating it empty when missing. A file
 * of another owner, which this process may not change, is left as it is.
 */
export function makePrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  try {
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/**
 * An SQLite database and the -wal and -shm files beside it, owner only. SQLite gives the -wal and -shm
 * files it creates the mode of the database file, so a new database needs only its own file made first.
 */
export function makePrivateDatabaseFiles(path: string): void {
  makePrivateFile(path);
  for (const companion of [`${path}-wal`, `${path}-shm`]) {
    if (existsSync(companion)) makePrivateFile(companion);
  }
}
