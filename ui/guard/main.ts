// The guard's tablet beside the lanes: each lane's latest decision and the answers that fit it
// (checked by hand, send to the nurse, visitor, refuse, measure again). Lane updates come from the
// `/display` namespace on the guard's session; answers go to the kiosk over HTTP.
import { io, type Socket } from 'socket.io-client';
import { parseLanes, parseLaneUpdate } from '../display/payloads.ts';
import type { DisplayClientEvents, DisplayServerEvents } from '../shared/display-events.ts';
import { byId, el } from '../shared/dom.ts';
import { type Role, requireSession, toLogin, userBar } from '../shared/session.ts';
import { LanePanel } from './lane-panel.ts';

/** Who may open this page: the roles that act at the gate. */
const ROLES: readonly Role[] = ['guard', 'admin'];
const RETRY_AFTER_SERVER_CLOSE_MS = 3_000;

const lanesRoot = byId('lanes');
const linkState = byId('link-state');

const session = await requireSession(ROLES);
byId('session').append(userBar(session));

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const ctx = {
  session,
  formatTime: (iso: string) => {
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? '' : timeFormat.format(at);
  },
};
const panels = new Map<string, LanePanel>();

function setLink(state: 'connecting' | 'live' | 'disconnected'): void {
  linkState.dataset.state = state;
  const [zh, en] = linkState.children;
  const text = {
    connecting: ['连接中', 'connecting'],
    live: ['实时', 'live'],
    disconnected: ['已断开', 'offline'],
  }[state];
  if (zh) zh.textContent = text[0] ?? '';
  if (en) en.textContent = text[1] ?? '';
  document.body.classList.toggle('is-disconnected', state !== 'live');
}

setLink('connecting');

// The session cookie goes with the handshake.
const socket: Socket<DisplayServerEvents, DisplayClientEvents> = io('/display');

socket.on('lanes', (payload) => {
  const lanes = parseLanes(payload);
  if (!lanes) return;
  // A reconnect sends the snapshot again: panels keep the decision they were showing.
  const ids = lanes.map((l) => l.id);
  for (const [id, panel] of panels) {
    if (!ids.includes(id)) {
      panel.element.remove();
      panels.delete(id);
    }
  }
  const elements = lanes.map((lane) => {
    let panel = panels.get(lane.id);
    if (panel) panel.apply(lane.update);
    else {
      panel = new LanePanel(lane, ctx);
      panels.set(lane.id, panel);
    }
    return panel.element;
  });
  if (elements.length === 0) elements.push(el('p', 'lanes-empty', '没有通道 · No lanes'));
  lanesRoot.replaceChildren(...elements);
});

socket.on('lane:update', (payload) => {
  const update = parseLaneUpdate(payload);
  if (update) panels.get(update.laneId)?.apply(update);
});

// Someone who scanned and walked off: the guard sees it, the tile has moved on to the next person.
socket.on('lane:flag', (payload) => {
  const update = parseLaneUpdate(payload);
  if (update) panels.get(update.laneId)?.apply(update);
});

socket.on('connect', () => setLink('live'));

socket.on('disconnect', (reason) => {
  setLink('disconnected');
  if (reason === 'io server disconnect')
    window.setTimeout(() => socket.connect(), RETRY_AFTER_SERVER_CLOSE_MS);
});

socket.on('connect_error', (error) => {
  const status = (error as Error & { data?: { status?: unknown } }).data?.status;
  if (status === 401 || status === 403) {
    toLogin(status === 403 ? ROLES : []);
    return;
  }
  setLink('disconnected');
});
