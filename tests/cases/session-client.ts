// Requests and a `/nurse` socket as one particular logged-in account, beside the helper's own session.
import { io, type Socket } from 'socket.io-client';
import type { TestSession } from '../helpers/kiosk.ts';

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

export function asAccount(baseUrl: string, session: TestSession) {
  const headers = {
    'content-type': 'application/json',
    cookie: `gk_session=${session.token}`,
    'x-csrf-token': session.csrfToken,
  };
  return {
    async get<T = unknown>(path: string): Promise<Answer<T>> {
      const res = await fetch(`${baseUrl}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as T };
    },
    async post<T = unknown>(path: string, body: unknown): Promise<Answer<T>> {
      const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}

/** A `/nurse` socket that records every event it receives. */
export class NurseClient {
  readonly socket: Socket;
  readonly events: { name: string; data: unknown }[] = [];

  constructor(baseUrl: string, session: TestSession | null) {
    this.socket = io(`${baseUrl}/nurse`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: session ? { cookie: `gk_session=${session.token}` } : {},
    });
    this.socket.onAny((name: string, data: unknown) => this.events.push({ name, data }));
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  waitFor<T>(name: string, match: (data: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const seen = this.events.find((e) => e.name === name && match(e.data as T));
    if (seen) return Promise.resolve(seen.data as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.offAny(listener);
        reject(new Error(`no "${name}" event matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (event: string, data: unknown) => {
        if (event !== name || !match(data as T)) return;
        clearTimeout(timer);
        this.socket.offAny(listener);
        resolve(data as T);
      };
      this.socket.onAny(listener);
    });
  }

  close(): void {
    this.socket.close();
  }
}
