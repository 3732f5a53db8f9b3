// On a school desk, the absence list is final only once every gate has sent all it screened up to
// after the cut-off. Until then the console names each gate it waits for, e.g.
// "北门 最后同步 07:52 · 名单未完成"; the lines go as the gates' records arrive.
import { el } from '../shared/dom.ts';
import { type Session, sessionFetch } from '../shared/session.ts';

interface Completeness {
  session: string;
  cutoffPassed: boolean;
  final: boolean;
  unsynced: { id: string; message: { zh: string; en: string } }[];
}

function parse(json: unknown): Completeness[] {
  if (!Array.isArray(json)) return [];
  return json.filter(
    (c): c is Completeness =>
      typeof c === 'object' && c !== null && typeof c.session === 'string' && Array.isArray(c.unsynced),
  );
}

/** Shows, above the absences, the gates whose records of a passed check have not all arrived. */
export async function showGateSync(root: HTMLElement, session: Session, date: string): Promise<void> {
  const res = await sessionFetch(session, `/api/desk/absences?${new URLSearchParams({ date })}`, {
    headers: { accept: 'application/json' },
  });
  // A gate kiosk has no such list: its desk keeps the absences.
  if (!res.ok) {
    root.hidden = true;
    return;
  }
  const waiting = new Map<string, { zh: string; en: string }>();
  for (const c of parse(await res.json()))
    if (c.cutoffPassed) for (const g of c.unsynced) waiting.set(g.id, g.message);
  root.replaceChildren(
    ...[...waiting.values()].map((m) => {
      const li = el('li', 'gate-unsynced');
      li.append(el('span', 'zh', m.zh), ' ', el('span', 'en', m.en));
      return li;
    }),
  );
  root.hidden = waiting.size === 0;
}

/** A desk's gates by id, to name their lanes (`north/1` → "北门 · 1"); none on a kiosk without gates. */
export async function fetchGateNames(session: Session): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const res = await sessionFetch(session, '/api/desk', { headers: { accept: 'application/json' } });
  if (!res.ok) return names;
  const body: unknown = await res.json();
  const gates = (body as { gates?: unknown }).gates;
  if (!Array.isArray(gates)) return names;
  for (const g of gates)
    if (typeof g?.id === 'string' && typeof g?.name === 'string') names.set(g.id, g.name);
  return names;
}

/** A gate's lane as the desk names it, `<gate>/<lane>`, in words. */
export function gateLaneName(laneId: string, gates: ReadonlyMap<string, string>): string | null {
  const slash = laneId.indexOf('/');
  if (slash < 0) return null;
  const gate = laneId.slice(0, slash);
  return `${gates.get(gate) ?? gate} · ${laneId.slice(slash + 1)}`;
}
