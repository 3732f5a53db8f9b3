import type { Person } from '../identities/person.ts';
import type { HealthStatus } from '../policy/decide.ts';

/** Where a person's health-code status comes from: the roster (and the district's status feed). */
export interface HealthResolver {
  /** The person's current status; resolves within the online lookup's timeout at worst. */
  statusOf(person: Person, at: Date): Promise<HealthStatus>;
  /** The person just scanned: start anything slow now, so it is ready when the reading comes. */
  prefetch(person: Person): void;
}

/** The status the roster (and the status feed that updates it) holds. */
export const rosterHealth: HealthResolver = {
  statusOf: async (person) => ({
    code: person.healthCode,
    at: person.healthCodeAt ? new Date(person.healthCodeAt) : null,
  }),
  prefetch: () => {},
};
