import type { SessionConfig } from '../config/schema.ts';
import type { Person } from '../identities/person.ts';

/**
 * Who is expected at a check: the pupils on the current roster, and only the boarders at a
 * boarders-only check (晚检). Staff are not tracked: 因病缺勤缺课追踪 is about pupils.
 */
export function expectedAt(
  session: Pick<SessionConfig, 'boardersOnly'>,
  roster: readonly Person[],
): Person[] {
  return roster.filter((p) => p.kind === 'student' && (!session.boardersOnly || p.boarder));
}
