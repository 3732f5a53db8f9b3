import type { Namespace, Server, Socket } from 'socket.io';
import type { Permission } from '../../kiosk/auth/roles.ts';
import { allows, type Principal, type PrincipalSources, principalFrom } from './principal.ts';

function refusal(status: 401 | 403 | 404, message: string): Error {
  return Object.assign(new Error(message), { data: { status } });
}

/**
 * The main namespace `/` serves nothing: a client that connects there (or to any name the kiosk
 * does not serve, in any spelling) gets an error, never a socket.
 */
export function closeMainNamespace(io: Server): void {
  io.of('/').use((_socket, next) => next(refusal(404, 'no such namespace: use /display, /diag or /nurse')));
}

export function socketPrincipal(socket: Socket): Principal | null {
  return (socket.data as { principal?: Principal }).principal ?? null;
}

/**
 * A namespace answers to a permission on connect, and again on each action and every 15 s: a
 * revoked display token or an ended session is disconnected.
 */
export function guardNamespace(
  ns: Namespace,
  sources: PrincipalSources,
  permission: Permission,
  opts: { displayTokens: boolean },
): { stillAllowed(socket: Socket): boolean; stop(): void } {
  const resolve = (socket: Socket) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = opts.displayTokens && typeof auth?.token === 'string' ? auth.token : undefined;
    // An open page is not a person using the kiosk: checking its socket keeps no session alive.
    return principalFrom(sources, socket.handshake.headers.cookie, token, { touch: false });
  };
  ns.use((socket, next) => {
    const principal = resolve(socket);
    if (!principal) {
      next(refusal(401, 'log in first, or open the display with its pairing link'));
      return;
    }
    if (!allows(principal, permission)) {
      next(refusal(403, `not allowed: ${permission}`));
      return;
    }
    (socket.data as { principal?: Principal }).principal = principal;
    next();
  });
  const stillAllowed = (socket: Socket) => {
    const principal = resolve(socket);
    const ok = principal !== null && allows(principal, permission);
    if (!ok) socket.disconnect(true);
    return ok;
  };
  const timer = setInterval(() => {
    for (const socket of ns.sockets.values()) stillAllowed(socket);
  }, 15_000);
  timer.unref();
  return { stillAllowed, stop: () => clearInterval(timer) };
}
