// The nurse's console: every open case, oldest first, live from the server's `/nurse` namespace,
// with a chime for each new one; a re-check and a disposition for each; the cases closed today.
import { io, type Socket } from 'socket.io-client';
import { byId } from '../shared/dom.ts';
import { type Role, requireSession, sessionFetch, toLogin, userBar } from '../shared/session.ts';
import { CaseCard } from './case-card.ts';
import { CaseChime } from './case-chime.ts';
import { type CaseView, parseCase } from './case-payloads.ts';
import { fetchCases } from './cases-api.ts';
import { localDate } from './format.ts';

/** Who may open this page: the roles that read cases. */
const ROLES: readonly Role[] = ['nurse', 'admin'];
/** socket.io does not reconnect after the server closed the socket on purpose: ask again after this. */
const RETRY_AFTER_SERVER_CLOSE_MS = 3_000;

const openRoot = byId('open-cases');
const closedRoot = byId('closed-cases');
const openCount = byId('open-count');
const linkState = byId('link-state');
const soundChip = byId('sound-chip');

const session = await requireSession(ROLES);
byId('session').append(userBar(session));

const laneNames = new Map<string, string>();
const cards = new Map<string, CaseCard>();
const chime = new CaseChime();

const ctx = {
  session,
  laneName: (laneId: string) => laneNames.get(laneId) ?? `通道 ${laneId}`,
  now: () => Date.now(),
  onChanged: (view: CaseView) => place(view),
};

/** Adds or refreshes a case and puts it in its list: open ones oldest first, closed ones newest first. */
function place(view: CaseView): CaseCard {
  let card = cards.get(view.id);
  if (card) card.update(view);
  else {
    card = new CaseCard(view, ctx);
    cards.set(view.id, card);
  }
  const root = view.status === 'open' ? openRoot : closedRoot;
  const siblings = [...root.querySelectorAll<HTMLElement>(':scope > .case')].filter(
    (e) => e !== card.element,
  );
  const before = siblings.find((e) => {
    const other = cards.get(e.dataset.caseId ?? '');
    if (!other) return false;
    return view.status === 'open' ? other.openedAt > view.openedAt : other.openedAt < view.openedAt;
  });
  if (before) root.insertBefore(card.element, before);
  else root.append(card.element);
  showCounts();
  return card;
}

function showCounts(): void {
  const open = openRoot.querySelectorAll(':scope > .case').length;
  openCount.textContent = String(open);
  openCount.dataset.n = String(open);
  byId('open-empty').hidden = open > 0;
  byId('closed-empty').hidden = closedRoot.querySelectorAll(':scope > .case').length > 0;
}

async function loadLanes(): Promise<void> {
  const res = await sessionFetch(session, '/api/lanes', { headers: { accept: 'application/json' } });
  const body: unknown = res.ok ? await res.json() : [];
  if (!Array.isArray(body)) return;
  for (const lane of body) {
    if (typeof lane?.id === 'string' && typeof lane?.name === 'string') laneNames.set(lane.id, lane.name);
  }
}

/** The full lists, after every (re)connect: nothing that happened while away is missed. */
async function refresh(): Promise<void> {
  try {
    const [open, closed] = await Promise.all([
      fetchCases(session, 'status=open'),
      fetchCases(session, `status=closed&date=${localDate(new Date())}`),
    ]);
    const seen = new Set([...open, ...closed].map((c) => c.id));
    for (const [id, card] of cards) {
      if (!seen.has(id) && card.element.parentElement === openRoot) {
        card.element.remove();
        cards.delete(id);
      }
    }
    for (const view of [...open, ...closed]) place(view);
  } catch (err) {
    console.warn('nurse console: could not read the cases', err);
  }
}

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

await loadLanes().catch((err) => console.warn('nurse console: could not read the lanes', err));
setLink('connecting');
showCounts();

// The session cookie goes with the handshake.
const socket: Socket = io('/nurse');

socket.on('connect', () => {
  setLink('live');
  void refresh();
});

socket.on('case:new', (payload: unknown) => {
  const view = parseCase(payload);
  if (!view) {
    console.warn('nurse console: ignored a malformed case', payload);
    return;
  }
  const fresh = !cards.has(view.id);
  const card = place(view);
  if (fresh) {
    card.element.classList.add('is-new');
    chime.play();
  }
});

socket.on('case:update', (payload: unknown) => {
  const view = parseCase(payload);
  if (view) place(view);
});

socket.on('disconnect', (reason) => {
  setLink('disconnected');
  if (reason === 'io server disconnect')
    window.setTimeout(() => socket.connect(), RETRY_AFTER_SERVER_CLOSE_MS);
});

socket.on('connect_error', (error) => {
  // The session ended (idle timeout, logout in another tab) or no longer has the role.
  const status = (error as Error & { data?: { status?: unknown } }).data?.status;
  if (status === 401 || status === 403) {
    toLogin(status === 403 ? ROLES : []);
    return;
  }
  setLink('disconnected');
});

// --- sound: allowed after the first click or key ---------------------------------------------

const gestureEvents = ['pointerdown', 'keydown', 'touchstart'] as const;
function enableSound(): void {
  void chime.enable().then(() => {
    if (!chime.enabled) return;
    soundChip.hidden = true;
    for (const type of gestureEvents) document.removeEventListener(type, enableSound, true);
  });
}
for (const type of gestureEvents) document.addEventListener(type, enableSound, true);

// --- waiting times ---------------------------------------------------------------------------

window.setInterval(() => {
  for (const card of cards.values()) card.tick();
}, 1000);

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('.case.is-new') : null;
  target?.classList.remove('is-new');
});
