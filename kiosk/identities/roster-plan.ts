import { cardsOf, type Person } from './person.ts';

/** The roster fields an import can change, by the contract's column names. */
export type RosterField =
  | 'name'
  | 'kind'
  | 'grade'
  | 'class'
  | 'card'
  | 'guardianPhone'
  | 'boarder'
  | 'healthCode'
  | 'healthCodeAt';

export interface RosterPlan {
  /** Everyone in the file, as they will be stored. */
  roster: Person[];
  added: Person[];
  updated: { person: Person; fields: RosterField[] }[];
  /** On the roster now, missing from the file: they are marked left and their history kept. */
  removed: Person[];
  unchanged: number;
}

const compared: readonly [RosterField, (p: Person) => unknown][] = [
  ['name', (p) => p.name],
  ['kind', (p) => p.kind],
  ['grade', (p) => p.grade],
  ['class', (p) => p.className],
  ['card', (p) => cardsOf(p).join('\n')],
  ['guardianPhone', (p) => p.guardianPhone],
  ['boarder', (p) => p.boarder],
  ['healthCode', (p) => p.healthCode],
  ['healthCodeAt', (p) => p.healthCodeAt],
];

/** What importing `incoming` over the `current` roster would change. */
export function planRosterImport(current: readonly Person[], incoming: readonly Person[]): RosterPlan {
  const before = new Map(current.map((p) => [p.id, p]));
  const plan: RosterPlan = { roster: [], added: [], updated: [], removed: [], unchanged: 0 };
  for (const row of incoming) {
    const old = before.get(row.id);
    before.delete(row.id);
    if (!old) {
      plan.roster.push(row);
      plan.added.push(row);
      continue;
    }
    const person = keepNewerStatus(old, row);
    plan.roster.push(person);
    const fields = compared.filter(([, get]) => get(old) !== get(person)).map(([field]) => field);
    if (fields.length) plan.updated.push({ person, fields });
    else plan.unchanged++;
  }
  plan.removed = [...before.values()];
  return plan;
}

/**
 * A status newer than the file's stays (one from the district's feed, say): a roster exported last
 * week must not turn today's red back to last week's green.
 */
function keepNewerStatus(old: Person, incoming: Person): Person {
  if (old.healthCodeAt === null) return incoming;
  if (incoming.healthCodeAt !== null && Date.parse(incoming.healthCodeAt) >= Date.parse(old.healthCodeAt))
    return incoming;
  return { ...incoming, healthCode: old.healthCode, healthCodeAt: old.healthCodeAt };
}
