import type { Worker } from 'node:worker_threads';
import { type ReadStamp, stampFromThread } from './read-stamp.ts';

export type ReaderRequest = { type: 'open'; id: number; path: string } | { type: 'close'; id: number };

export type ReaderReply =
  | { type: 'opened'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'turn'; turn: number; chunks: { id: number; atMs: number; bytes: Uint8Array }[] }
  | { type: 'gone'; id: number; reason: string }
  | { type: 'closed'; id: number };

export interface ReaderListener {
  chunk(bytes: Buffer, stamp: ReadStamp): void;
  /** The port stopped reading (pulled cable, closed device): its link reopens it. */
  gone(reason: string): void;
}

/**
 * The main thread's side of the reader thread (./serial-reader.ts): real ports are read there, and
 * their chunks come back here stamped with when they were read and in which turn, so the order of
 * a scanner's and a thermometer's bytes is known even while this thread is busy. One thread reads
 * every port; it starts with the first port and starts again if it ever fails (its ports are then
 * reported gone and their links reopen them).
 */
export class SerialReaderThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly listeners = new Map<number, ReaderListener>();
  private readonly opening = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private readonly closing = new Map<number, () => void>();

  constructor(private readonly startThread: () => Worker) {}

  /** Starts reading `path`; resolves with its id once the thread has it open. */
  attach(path: string, listener: ReaderListener): Promise<number> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.opening.set(id, {
        resolve: () => {
          this.listeners.set(id, listener);
          resolve(id);
        },
        reject,
      });
      worker.postMessage({ type: 'open', id, path } satisfies ReaderRequest);
    });
  }

  /** Stops reading a port; resolves once the thread has closed its copy of it. */
  detach(id: number): Promise<void> {
    this.listeners.delete(id);
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.closing.set(id, resolve);
      worker.postMessage({ type: 'close', id } satisfies ReaderRequest);
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = this.startThread();
    worker.unref();
    worker.on('message', (reply: ReaderReply) => this.onReply(reply));
    const failed = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const [id, pending] of this.opening) {
        this.opening.delete(id);
        pending.reject(new Error(reason));
      }
      for (const [id, resolve] of this.closing) {
        this.closing.delete(id);
        resolve();
      }
      for (const [id, listener] of this.listeners) {
        this.listeners.delete(id);
        listener.gone(reason);
      }
    };
    worker.on('error', (err) => failed(`the serial reader thread failed: ${err.message}`));
    worker.on('exit', (code) => failed(`the serial reader thread stopped (${code})`));
    this.worker = worker;
    return worker;
  }

  private onReply(reply: ReaderReply): void {
    switch (reply.type) {
      case 'opened':
        this.opening.get(reply.id)?.resolve();
        this.opening.delete(reply.id);
        return;
      case 'failed':
        this.opening.get(reply.id)?.reject(new Error(reply.message));
        this.opening.delete(reply.id);
        return;
      case 'turn':
        for (const chunk of reply.chunks) {
          const listener = this.listeners.get(chunk.id);
          if (!listener) continue;
          const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
          listener.chunk(bytes, stampFromThread(chunk.atMs, reply.turn));
        }
        return;
      case 'gone': {
        const listener = this.listeners.get(reply.id);
        this.listeners.delete(reply.id);
        listener?.gone(reply.reason);
        return;
      }
      case 'closed':
        this.closing.get(reply.id)?.();
        this.closing.delete(reply.id);
        return;
    }
  }
}
