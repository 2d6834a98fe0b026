// The thread that passwords are hashed and verified on (see passwords.ts). Plain JavaScript, so that a
// worker loads it without the TypeScript loader the service runs under.
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';

// On Linux a thread's nice value is its own, and a new thread starts with its creator's: only this
// thread yields to the service's.
if (workerData.niceness > 0) {
  try {
    setPriority(Math.min(19, getPriority() + workerData.niceness));
  } catch {
    // Not allowed here: hashes run at the service's priority.
  }
}

parentPort.on('message', ({ task, password, hash, options }) => {
  try {
    parentPort.postMessage({ value: task === 'hash' ? hashSync(password, options) : verifySync(hash, password) });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
