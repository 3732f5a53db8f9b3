import { looksLikeSignedPass, type PassVerifier } from '../health/signed-pass.ts';
import type { PersonDirectory } from '../identities/directory.ts';
import type { Person } from '../identities/person.ts';
import type { HealthStatus } from '../policy/decide.ts';
import type { Reason } from '../policy/types.ts';

/** What a scanned text turned out to be, before any reading. */
export type ScannedIdentity =
  | { kind: 'person'; person: Person; passStatus?: HealthStatus }
  | { kind: 'unknown'; text: string }
  | { kind: 'bad_pass'; reason: Reason };

/** Reads scanned text: a signed pass, or a roster id or card number. */
export interface IdentityReader {
  read(text: string, at: Date): ScannedIdentity;
}

/**
 * A text that parses as a signed pass is a pass: verified offline against the trusted keys (no keys
 * configured means none is trusted). A valid pass names its person by roster id (`sub`, never a card
 * number) and brings its colour; any other text is looked up as an id or a card number.
 */
export function createIdentityReader(
  directory: PersonDirectory,
  passes: PassVerifier | null,
): IdentityReader {
  return {
    read(text, at) {
      if (looksLikeSignedPass(text)) {
        if (!passes) {
          return {
            kind: 'bad_pass',
            reason: {
              code: 'pass_unknown_kid',
              zh: '本机未配置通行码密钥',
              en: 'No pass keys are configured here',
            },
          };
        }
        const result = passes.verify(text, at);
        if (!result.ok)
          return { kind: 'bad_pass', reason: { code: `pass_${result.reason}`, ...result.message } };
        // A pass names its holder by roster id; a card number is something the holder carries, so a
        // pass issued to a card number would let anyone who knows it pass as the card's owner.
        const person = directory.get(result.pass.sub);
        if (!person) return { kind: 'unknown', text: result.pass.sub };
        return { kind: 'person', person, passStatus: { code: result.pass.code, at: result.pass.iat } };
      }
      const person = directory.find(text);
      return person ? { kind: 'person', person } : { kind: 'unknown', text };
    },
  };
}
