/** Why a file or folder could not be made or opened, in words a person can act on. */
export function fileErrorReason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOTDIR': return 'a part of the path is a file, not a folder';
    case 'EEXIST': return 'a part of the path is a file, not a folder';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the file system is read-only';
    case 'ENOENT': return 'it does not exist and cannot be made there';
    case 'ENOSPC': return 'the disk is full';
    case 'EISDIR': return 'it is a folder';
    case 'SQLITE_CANTOPEN': return 'SQLite cannot open a database there';
    case 'SQLITE_NOTADB': return 'the file is not an SQLite database';
    default: return error instanceof Error ? error.message : String(error);
  }
}
