import type { HealthLookup } from '../health/lookup.ts';
import { newestStatus } from '../health/status.ts';
import type { Person } from '../identities/person.ts';
import type { HealthStatus } from '../policy/decide.ts';

/** Where a person's health-code status comes from when the screening is decided. */
export interface HealthResolver {
  /** The person's current status; resolves within the online lookup's timeout at worst. */
  statusOf(person: Person, at: Date): Promise<HealthStatus>;
  /** The person just scanned: start anything slow now, so it is ready when the reading comes. */
  prefetch(person: Person): void;
}

function rosterStatus(person: Person): HealthStatus {
  return { code: person.healthCode, at: person.healthCodeAt ? new Date(person.healthCodeAt) : null };
}

/**
 * The roster's status (kept current by the district's status feed), and the online lookup's answer
 * when one is configured: the newer counts. A lookup that is down or slow falls back to the roster
 * within its timeout.
 */
export function createHealthResolver(lookup: HealthLookup | null): HealthResolver {
  if (!lookup) return { statusOf: async (person) => rosterStatus(person), prefetch: () => {} };
  return {
    async statusOf(person, at) {
      const roster = rosterStatus(person);
      const online = await lookup.lookup(person.id, at);
      const best = newestStatus([{ ...roster, source: 'roster' }, ...(online ? [online] : [])]);
      return best ? { code: best.code, at: best.at } : roster;
    },
    prefetch: (person) => lookup.prefetch(person.id),
  };
}
