import { Writable } from 'node:stream';

/** JSON log lines, kept for the test to read: pass `logger` to the app. */
export function logSink(level = 'warn') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: { level, stream } };
}
