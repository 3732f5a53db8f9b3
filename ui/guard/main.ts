// The guard's tablet beside the lanes: per lane, a queue of the flags nobody has answered yet (oldest
// first, kept across arrivals and reloads) with the answers that fit each (checked by hand, send to
// the nurse, visitor, refuse, measure again). Lane updates and flags come from the `/display`
// namespace on the guard's session; answers go to the kiosk over HTTP.
import { io, type Socket } from 'socket.io-client';
import type { DisplayClientEvents, DisplayServerEvents } from '../../contract/display-events.ts';
import { parseLanes, parseLaneUpdate, parseServerInfo } from '../display/payloads.ts';
import { Chime, enableOnGesture } from '../shared/chime.ts';
import { byId, el } from '../shared/dom.ts';
import { keepLive, LinkChip } from '../shared/live-link.ts';
import { SchoolTime } from '../shared/school-time.ts';
import { type Role, requireSession, toLogin, userBar } from '../shared/session.ts';
import type { FlagCard } from './flag-card.ts';
import { loadFlags, saveFlags } from './flag-store.ts';
import { answeredOn } from './guard-api.ts';
import { LanePanel } from './lane-panel.ts';

/** Who may open this page: the roles that act at the gate. */
const ROLES: readonly Role[] = ['guard', 'admin'];

const lanesRoot = byId('lanes');
const flagCount = byId('flag-count');
const soundChip = byId('sound-chip');

const session = await requireSession(ROLES);
byId('session').append(userBar(session));

const time = new SchoolTime();
const chime = new Chime();
const panels = new Map<string, LanePanel>();
let restored = false;

const ctx = {
  session,
  time,
  onChange: () => showCount(),
  onFlag: (_card: FlagCard, alert: boolean) => {
    showCount();
    if (alert) chime.play();
  },
};

function waitingFlags(): FlagCard[] {
  return [...panels.values()].flatMap((p) => p.waiting);
}

/** The header's count of unanswered flags, and what the tablet keeps of them. */
function showCount(): void {
  const waiting = waitingFlags();
  flagCount.textContent = String(waiting.length);
  flagCount.dataset.n = String(waiting.length);
  document.title =
    waiting.length > 0 ? `(${waiting.length}) 门卫处理 · Gate actions` : '门卫处理 · Gate actions';
  if (restored) {
    saveFlags(
      time.date(),
      waiting.map((c) => ({ update: c.update, movedPast: c.hasMovedPast })),
    );
  }
}

/** Flags from before a reload, less those answered meanwhile (here or on another tablet). */
async function restoreFlags(): Promise<void> {
  const today = time.date();
  const kept = loadFlags(today);
  const cards: FlagCard[] = [];
  for (const flag of kept) {
    const card = panels.get(flag.update.laneId)?.restore(flag.update, flag.movedPast);
    if (card) cards.push(card);
  }
  restored = true;
  showCount();
  if (cards.length === 0) return;
  const answered = await answeredOn(session, today).catch(() => new Map());
  for (const card of cards) {
    const a = answered.get(card.screeningId);
    if (a) card.answeredBy(a.action, a.actor);
  }
}

showCount();

// The session cookie goes with the handshake.
const socket: Socket<DisplayServerEvents, DisplayClientEvents> = io('/display');
keepLive(socket, {
  views: [new LinkChip()],
  // The session ended (idle timeout, logout in another tab) or no longer has the role.
  onSessionRefused: (status) => toLogin(status === 403 ? ROLES : []),
});

socket.on('server:info', (payload) => {
  const info = parseServerInfo(payload);
  if (info) time.sync(info.now, info.timezone);
});

socket.on('lanes', (payload) => {
  const lanes = parseLanes(payload);
  if (!lanes) return;
  // A reconnect sends the snapshot again: panels keep their queues.
  const ids = lanes.map((l) => l.id);
  for (const [id, panel] of panels) {
    if (!ids.includes(id)) {
      panel.element.remove();
      panels.delete(id);
    }
  }
  const elements = lanes.map((lane) => {
    let panel = panels.get(lane.id);
    if (panel) panel.apply(lane.update, { quiet: true });
    else {
      panel = new LanePanel(lane, ctx);
      panels.set(lane.id, panel);
    }
    return panel.element;
  });
  if (elements.length === 0) elements.push(el('p', 'lanes-empty', '没有通道 · No lanes'));
  // Panels already on the page stay where they are: moving one would take the focus out of a form.
  const current = [...lanesRoot.children];
  if (elements.length !== current.length || elements.some((e, i) => current[i] !== e)) {
    lanesRoot.replaceChildren(...elements);
  }
  if (!restored) void restoreFlags();
  showCount();
});

socket.on('lane:update', (payload) => {
  const update = parseLaneUpdate(payload);
  if (update) panels.get(update.laneId)?.apply(update);
});

// Someone who scanned and walked off: the tile has moved on, the flag waits here.
socket.on('lane:flag', (payload) => {
  const update = parseLaneUpdate(payload);
  if (update) panels.get(update.laneId)?.flag(update);
});

// --- sound: at once where the browser allows it, else after the first touch ------------------

enableOnGesture(chime, (enabled) => {
  soundChip.hidden = enabled;
});

window.setInterval(() => {
  for (const panel of panels.values()) panel.tick();
}, 1000);
