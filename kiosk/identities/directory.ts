import { cardsOf, type Person } from './person.ts';

/** Finds the person a scanned text names: by roster id or by any of their cards. In memory, for the hot path. */
export class PersonDirectory {
  private byId = new Map<string, Person>();
  private byCard = new Map<string, Person>();

  constructor(people: readonly Person[] = []) {
    this.replace(people);
  }

  replace(people: readonly Person[]): void {
    this.byId = new Map(people.map((p) => [p.id, p]));
    this.byCard = new Map(people.flatMap((p) => cardsOf(p).map((card) => [card, p] as const)));
  }

  /** By roster id only. */
  get(id: string): Person | null {
    return this.byId.get(id) ?? null;
  }

  find(text: string): Person | null {
    const key = text.trim();
    return this.byId.get(key) ?? this.byCard.get(key) ?? null;
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<Person> {
    return this.byId.values();
  }
}
