import type { HealthCode } from '../policy/types.ts';

export interface Person {
  id: string;
  name: string;
  kind: 'student' | 'staff';
  grade: number | null;
  className: string | null;
  /** The first of `cards`, kept for readers that know one card only. */
  card: string | null;
  /** Every card number that names this person; absent means `[card]` (or none). */
  cards?: string[];
  guardianPhone: string | null;
  boarder: boolean;
  healthCode: HealthCode;
  /** ISO instant of the status, or null when unknown. */
  healthCodeAt: string | null;
  returnCertificateDue: boolean;
}

/** Every card of a person, the first one first. */
export function cardsOf(person: Person): string[] {
  if (person.cards) return person.cards;
  return person.card ? [person.card] : [];
}
