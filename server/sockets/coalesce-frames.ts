import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';

/**
 * The frames one client is sent in one turn of the event loop leave in one write.
 *
 * A display that shows every lane is sent two updates per person per lane (who is waiting, then
 * the decision); at a busy gate with many lanes and several screens that is tens of thousands of
 * WebSocket frames a second, and `ws` writes each frame with its own system call. Here a
 * WebSocket connection's socket is held (corked) from its first frame in a turn until the end of
 * that turn (`setImmediate`), so the kernel gets one write per client per turn. Frames are not
 * delayed past the turn that made them, and nothing is reordered.
 */
export function coalesceFrames(io: Server): void {
  io.engine.on('connection', (conn: EngineConn) => {
    hold(conn.transport);
    conn.on('upgrade', (transport: EngineTransport) => hold(transport));
  });
}

interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  /** The `ws` WebSocket of a websocket transport; `_socket` is its TCP socket. */
  socket?: { _socket?: NetSocket };
}

interface EngineConn {
  transport: EngineTransport;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void;
}

function hold(transport: EngineTransport): void {
  if (transport.name !== 'websocket') return;
  const raw = transport.socket?._socket;
  if (!raw || typeof raw.cork !== 'function') return;
  const send = transport.send.bind(transport);
  let held = false;
  transport.send = (packets) => {
    if (!held && !raw.destroyed) {
      held = true;
      raw.cork();
      setImmediate(() => {
        held = false;
        if (!raw.destroyed) raw.uncork();
      });
    }
    send(packets);
  };
}
