import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run users -- <args>` against `databaseUrl`; answers its exit code and output. */
export function runUsersCommand(databaseUrl: string, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/users.ts', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, SECRET_KEY: 'test-secret-key', REDIS_URL: '', ...env },
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
