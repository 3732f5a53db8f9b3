import { closeSync, constants, openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { parentPort } from 'node:worker_threads';
import type { ReaderReply, ReaderRequest } from './serial-reader-thread.ts';

/**
 * The reader thread (started by ./serial-reader-thread.ts): it opens each real port a second time,
 * read-only, and does nothing but read them. Every chunk is stamped the moment it is read; the
 * chunks read in one wake-up of this thread are one turn and go to the main thread in one message
 * at the end of it. As this thread has no other work, it is back waiting on the ports at once, so
 * two chunks share a turn only when their bytes came within a few hundred microseconds of each
 * other, whatever the main thread is busy with.
 */
const port = parentPort;
if (!port) throw new Error('serial-reader.ts runs as a worker thread');

const streams = new Map<number, ReadStream>();
let turn = 0;
let chunks: { id: number; atMs: number; bytes: Uint8Array }[] = [];
let flushing = false;

function post(reply: ReaderReply): void {
  port?.postMessage(reply);
}

/** Sends this turn's chunks (before any word about a port that closed, so none is left behind). */
function flush(): void {
  flushing = false;
  if (chunks.length === 0) return;
  const sent = chunks;
  chunks = [];
  post({ type: 'turn', turn: turn++, chunks: sent });
}

function open(id: number, path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (err) {
    post({ type: 'failed', id, message: (err as Error).message });
    return;
  }
  let stream: ReadStream;
  try {
    stream = new ReadStream(fd);
  } catch (err) {
    closeSync(fd);
    post({ type: 'failed', id, message: `${path} is not a serial port: ${(err as Error).message}` });
    return;
  }
  streams.set(id, stream);
  stream.on('data', (chunk: Buffer) => {
    chunks.push({ id, atMs: Date.now(), bytes: new Uint8Array(chunk) });
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  });
  const gone = (reason: string) => {
    if (streams.get(id) !== stream) return;
    streams.delete(id);
    stream.destroy();
    flush();
    post({ type: 'gone', id, reason });
  };
  stream.on('error', (err) => gone(err.message));
  stream.on('end', () => gone('the port closed'));
  stream.on('close', () => gone('the port closed'));
  post({ type: 'opened', id });
}

function close(id: number): void {
  const stream = streams.get(id);
  streams.delete(id);
  flush();
  if (!stream || stream.destroyed) {
    post({ type: 'closed', id });
    return;
  }
  stream.once('close', () => post({ type: 'closed', id }));
  stream.destroy();
}

port.on('message', (request: ReaderRequest) => {
  if (request.type === 'open') open(request.id, request.path);
  else close(request.id);
});
