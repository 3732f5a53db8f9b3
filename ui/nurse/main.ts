// The nurse's console: a compact list of cases (open ones oldest first, or today's closed ones, or
// those sent home), searchable by name, class or id, with one case open beside it; live from the
// server's `/nurse` namespace, with a chime for each new case; and today's absences with their
// reasons to fill in. Times are the school's.
import { io, type Socket } from 'socket.io-client';
import { parseServerInfo } from '../display/payloads.ts';
import { Chime, enableOnGesture } from '../shared/chime.ts';
import { byId } from '../shared/dom.ts';
import { keepLive, LinkChip } from '../shared/live-link.ts';
import { SchoolTime } from '../shared/school-time.ts';
import { type Role, requireSession, sessionFetch, toLogin, userBar } from '../shared/session.ts';
import { AbsenceList } from './absence-list.ts';
import { parseAbsence } from './absence-payloads.ts';
import { CaseDetail } from './case-detail.ts';
import { type CaseView, parseCase } from './case-payloads.ts';
import { CaseRow } from './case-row.ts';
import { fetchAbsences, fetchCases } from './cases-api.ts';
import { fetchGateNames, gateLaneName, showGateSync } from './gate-sync.ts';

/** Who may open this page: the roles that read cases. */
const ROLES: readonly Role[] = ['nurse', 'admin'];

type Filter = 'open' | 'closed' | 'sent_home';

const rowsRoot = byId('case-rows');
const listEmpty = byId('list-empty');
const detailPane = byId('detail');
const detailEmpty = byId('detail-empty');
const openCount = byId('open-count');
const checkName = byId('check-name');
const soundChip = byId('sound-chip');
const search = byId<HTMLInputElement>('search');
const filterButtons = [...document.querySelectorAll<HTMLButtonElement>('.filter')];

const session = await requireSession(ROLES);
byId('session').append(userBar(session));

const time = new SchoolTime();
const laneNames = new Map<string, string>();
let gateNames = new Map<string, string>();
const rows = new Map<string, CaseRow>();
const details = new Map<string, CaseDetail>();
const chime = new Chime();
let selected: string | null = null;
let filter: Filter = 'open';
let query = '';

const laneName = (laneId: string) =>
  laneNames.get(laneId) ?? gateLaneName(laneId, gateNames) ?? `通道 ${laneId}`;
const absences = new AbsenceList(byId('absence-list'), byId('absence-count'), { session, time });

function inFilter(v: CaseView, f: Filter): boolean {
  if (f === 'open') return v.status === 'open';
  if (f === 'closed') return v.status === 'closed';
  return v.status === 'closed' && v.disposition === 'sent_home';
}

/** Adds or refreshes a case, in the list and, when it is the one open, beside it. */
function place(view: CaseView): CaseRow {
  let row = rows.get(view.id);
  if (row) row.update(view);
  else {
    row = new CaseRow(view, { time, laneName, onOpen: (id) => select(id, { focus: true }) });
    rows.set(view.id, row);
  }
  details.get(view.id)?.update(view);
  renderList();
  return row;
}

/** The rows the filter and the search let through: open cases oldest first, closed ones newest first. */
function visibleRows(): CaseRow[] {
  const shown = [...rows.values()].filter((r) => inFilter(r.current, filter) && r.matches(query));
  return shown.sort((a, b) =>
    filter === 'open'
      ? a.current.openedAt.localeCompare(b.current.openedAt)
      : (b.current.closedAt ?? '').localeCompare(a.current.closedAt ?? ''),
  );
}

function renderList(): void {
  const shown = visibleRows();
  const current = [...rowsRoot.children];
  // Rows already in order stay put: moving one would take the focus off it.
  if (shown.length !== current.length || shown.some((r, i) => current[i] !== r.element)) {
    rowsRoot.replaceChildren(...shown.map((r) => r.element));
  }
  listEmpty.hidden = shown.length > 0;
  const [zh, en] = listEmpty.children;
  if (zh && en) {
    const none = query
      ? ['没有找到', 'Nothing found']
      : filter === 'open'
        ? ['暂无待处理', 'No open case']
        : ['无', 'None'];
    zh.textContent = none[0] ?? '';
    en.textContent = none[1] ?? '';
  }
  const all = [...rows.values()].map((r) => r.current);
  const n = { open: 0, closed: 0, sent_home: 0 };
  for (const v of all) for (const f of ['open', 'closed', 'sent_home'] as const) if (inFilter(v, f)) n[f]++;
  for (const b of filterButtons) {
    const count = b.querySelector<HTMLElement>('.filter-n');
    const f = b.dataset.filter as Filter;
    if (count) {
      count.textContent = String(n[f]);
      count.dataset.n = String(n[f]);
    }
  }
  openCount.textContent = String(n.open);
  openCount.dataset.n = String(n.open);
  document.title = n.open > 0 ? `(${n.open}) 校医工作台 · Nurse console` : '校医工作台 · Nurse console';
  // With nothing open beside the list, the oldest case waiting is shown (the focus stays where it is).
  if (selected === null && filter === 'open' && shown[0]) select(shown[0].id, { focus: false });
}

function select(id: string, opts: { focus: boolean }): void {
  const row = rows.get(id);
  if (!row) return;
  selected = id;
  for (const r of rows.values()) r.selected = r.id === id;
  let detail = details.get(id);
  if (!detail) {
    detail = new CaseDetail(row.current, { session, time, laneName, onChanged: (v) => place(v) });
    details.set(id, detail);
  }
  if (detail.element.parentElement !== detailPane) detailPane.replaceChildren(detail.element);
  detailEmpty.hidden = true;
  if (opts.focus) detail.focusFirst();
}

function setFilter(f: Filter): void {
  filter = f;
  for (const b of filterButtons) b.setAttribute('aria-pressed', String(b.dataset.filter === f));
  renderList();
}

async function loadLanes(): Promise<void> {
  const res = await sessionFetch(session, '/api/lanes', { headers: { accept: 'application/json' } });
  const body: unknown = res.ok ? await res.json() : [];
  if (!Array.isArray(body)) return;
  for (const lane of body) {
    if (typeof lane?.id === 'string' && typeof lane?.name === 'string') laneNames.set(lane.id, lane.name);
  }
  gateNames = await fetchGateNames(session).catch(() => gateNames);
}

/** The full lists, after every (re)connect: nothing that happened while away is missed. */
async function refresh(): Promise<void> {
  const today = time.date();
  try {
    const [open, closed] = await Promise.all([
      fetchCases(session, 'status=open'),
      fetchCases(session, `status=closed&date=${today}`),
    ]);
    const seen = new Set([...open, ...closed].map((c) => c.id));
    for (const [id, row] of rows) {
      if (!seen.has(id) && row.current.status === 'open') {
        rows.delete(id);
        details.delete(id);
        if (selected === id) selected = null;
      }
    }
    for (const view of [...open, ...closed]) place(view);
  } catch (err) {
    console.warn('nurse console: could not read the cases', err);
  }
  try {
    const list = await fetchAbsences(session, today);
    absences.setAll(list);
    byId('absence-empty').hidden = list.length > 0;
  } catch (err) {
    console.warn('nurse console: could not read the absences', err);
  }
  await gateSync();
}

/** The gates whose records the absence list still waits for (a school desk). */
async function gateSync(): Promise<void> {
  try {
    await showGateSync(byId('gate-sync'), session, time.date());
  } catch (err) {
    console.warn('nurse console: could not read the gates’ sync', err);
  }
}
window.setInterval(() => void gateSync(), 10_000);

await loadLanes().catch((err) => console.warn('nurse console: could not read the lanes', err));
search.focus();
renderList();

// --- search and filters ----------------------------------------------------------------------

search.addEventListener('input', () => {
  query = search.value;
  renderList();
});
search.addEventListener('keydown', (event) => {
  const first = visibleRows()[0];
  if (event.key === 'Enter' && first) {
    event.preventDefault();
    select(first.id, { focus: true });
  } else if (event.key === 'ArrowDown' && first) {
    event.preventDefault();
    first.focus();
  }
});
rowsRoot.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const buttons = [...rowsRoot.querySelectorAll<HTMLButtonElement>('.case-row-button')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next = buttons[at + (event.key === 'ArrowDown' ? 1 : -1)];
  if (next) {
    event.preventDefault();
    next.focus();
  } else if (event.key === 'ArrowUp' && at === 0) {
    event.preventDefault();
    search.focus();
  }
});
for (const b of filterButtons) b.addEventListener('click', () => setFilter(b.dataset.filter as Filter));
// "/" anywhere but in a field, or Escape from inside a case, goes back to the search.
document.addEventListener('keydown', (event) => {
  const t = event.target as HTMLElement | null;
  const typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
  const inCase = t?.closest('.case-detail') !== null && t?.tagName !== 'SELECT';
  if ((event.key === '/' && !typing) || (event.key === 'Escape' && inCase)) {
    event.preventDefault();
    search.focus();
    search.select();
  }
});

// --- live ------------------------------------------------------------------------------------

// The session cookie goes with the handshake.
const socket: Socket = io('/nurse');

keepLive(socket, {
  views: [new LinkChip()],
  // The session ended (idle timeout, logout in another tab) or no longer has the role.
  onSessionRefused: (status) => toLogin(status === 403 ? ROLES : []),
});

// Sent on every connect: the school's zone and clock, then the lists are read afresh.
socket.on('server:info', (payload: unknown) => {
  const info = parseServerInfo(payload);
  if (!info) return;
  time.sync(info.now, info.timezone);
  checkName.textContent = info.sessionName ? `${info.sessionName}进行中` : '非检测时段';
  checkName.dataset.open = String(info.sessionName !== null);
  void refresh();
});

socket.on('case:new', (payload: unknown) => {
  const view = parseCase(payload);
  if (!view) {
    console.warn('nurse console: ignored a malformed case', payload);
    return;
  }
  const fresh = !rows.has(view.id);
  const row = place(view);
  if (fresh) {
    row.element.classList.add('is-new');
    chime.play();
  }
});

socket.on('case:update', (payload: unknown) => {
  const view = parseCase(payload);
  if (view) place(view);
});

socket.on('absence:update', (payload: unknown) => {
  const absence = parseAbsence(payload);
  if (!absence) return;
  absences.upsert(absence);
  byId('absence-empty').hidden = true;
  void gateSync();
});

// --- sound: at once where the browser allows it, else after the first click or key ------------

enableOnGesture(chime, (enabled) => {
  soundChip.hidden = enabled;
});

// --- waiting times ---------------------------------------------------------------------------

window.setInterval(() => {
  for (const row of rows.values()) row.tick();
  if (selected) details.get(selected)?.tick();
}, 1000);

rowsRoot.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('.case-row.is-new') : null;
  target?.classList.remove('is-new');
});
