import { sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RevocationList } from '../../kiosk/health/revocations.ts';
import { looksLikeSignedPass, PassVerifier } from '../../kiosk/health/signed-pass.ts';
import { b64, issuer, signPass } from '../helpers/passes.ts';

const now = new Date('2026-11-23T06:00:00Z');
const nowS = now.getTime() / 1000;

const a = issuer('district-2026a');
const b = issuer('district-2026b');
const stranger = issuer('district-2026a');

const payload = {
  sub: 'S20260101',
  name: '欧阳娜娜',
  code: 'green',
  iat: nowS - 3600,
  exp: nowS + 23 * 3600,
  jti: 'pass-0001',
};
const header = { alg: 'EdDSA', kid: a.kid, typ: 'JWT' };
const valid = signPass(a.privateKey, header, payload);

const verifier = new PassVerifier({
  trustedKeys: [a.trusted, b.trusted],
  isRevoked: (jti) => new RevocationList({ revoked: ['pass-revoked'] }).has(jti),
});

const reasonOf = (text: string) => {
  const result = verifier.verify(text, now);
  return result.ok ? 'ok' : result.reason;
};

function flipBit(segment: string, bit: number): string {
  const bytes = Buffer.from(segment, 'base64url');
  bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return bytes.toString('base64url');
}

describe('signed passes', () => {
  it('accepts a valid pass and gives its subject, colour, times, id and key', () => {
    expect(verifier.verify(valid, now)).toEqual({
      ok: true,
      pass: {
        sub: 'S20260101',
        name: '欧阳娜娜',
        code: 'green',
        iat: new Date('2026-11-23T05:00:00Z'),
        exp: new Date('2026-11-24T05:00:00Z'),
        jti: 'pass-0001',
        kid: 'district-2026a',
      },
    });
  });

  it('refuses an expired pass, allowing 60 s of clock skew', () => {
    const expired = signPass(a.privateKey, header, { ...payload, exp: nowS - 61 });
    const justExpired = signPass(a.privateKey, header, { ...payload, exp: nowS - 59 });
    expect(verifier.verify(expired, now)).toEqual({
      ok: false,
      reason: 'expired',
      message: { zh: '通行码已过期', en: 'The pass has expired' },
    });
    expect(reasonOf(justExpired)).toBe('ok');
    expect(verifier.verify(valid, new Date('2026-11-24T05:01:01Z'))).toMatchObject({ reason: 'expired' });
  });

  it('refuses a pass issued in the future, or before its nbf', () => {
    expect(reasonOf(signPass(a.privateKey, header, { ...payload, iat: nowS + 61 }))).toBe('not_yet_valid');
    expect(reasonOf(signPass(a.privateKey, header, { ...payload, iat: nowS + 59 }))).toBe('ok');
    expect(reasonOf(signPass(a.privateKey, header, { ...payload, nbf: nowS + 600 }))).toBe('not_yet_valid');
    const strict = new PassVerifier({ trustedKeys: [a.trusted], clockSkewS: 0 });
    const soon = signPass(a.privateKey, header, { ...payload, iat: nowS + 1 });
    expect(strict.verify(soon, now)).toMatchObject({ ok: false, reason: 'not_yet_valid' });
  });

  it('refuses a revoked pass', () => {
    expect(reasonOf(signPass(a.privateKey, header, { ...payload, jti: 'pass-revoked' }))).toBe('revoked');
  });

  it('counts a revocation check that fails as revoked', () => {
    const broken = new PassVerifier({
      trustedKeys: [a.trusted],
      isRevoked: () => {
        throw new Error('list unavailable');
      },
    });
    expect(broken.verify(valid, now)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('refuses a pass signed by another key under a trusted kid', () => {
    expect(reasonOf(signPass(stranger.privateKey, header, payload))).toBe('bad_signature');
  });

  it('refuses a pass with any single bit flipped in its payload or signature', () => {
    const [h, p, s] = valid.split('.') as [string, string, string];
    const reasons = new Set<string>();
    for (let bit = 0; bit < Buffer.from(p, 'base64url').length * 8; bit++) {
      reasons.add(reasonOf(`${h}.${flipBit(p, bit)}.${s}`));
    }
    expect([...reasons]).toEqual(['bad_signature']);
    reasons.clear();
    for (let bit = 0; bit < 512; bit++) reasons.add(reasonOf(`${h}.${p}.${flipBit(s, bit)}`));
    expect([...reasons]).toEqual(['bad_signature']);
  });

  it('refuses a base64url spelling of the signature that decodes to the same bytes', () => {
    const signature = valid.split('.')[2] ?? '';
    // The last of 86 characters carries 2 bits; its 4 spare bits must be zero.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = signature.slice(0, -1) + alphabet[alphabet.indexOf(signature.at(-1) ?? '') ^ 1];
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(reasonOf(`${valid.slice(0, -signature.length)}${sibling}`)).toBe('bad_signature');
  });

  it('refuses an unknown or missing kid', () => {
    expect(reasonOf(signPass(a.privateKey, { alg: 'EdDSA', kid: 'district-2025' }, payload))).toBe(
      'unknown_kid',
    );
    expect(reasonOf(signPass(a.privateKey, { alg: 'EdDSA' }, payload))).toBe('unknown_kid');
    expect(reasonOf(signPass(a.privateKey, { alg: 'EdDSA', kid: 7 }, payload))).toBe('unknown_kid');
  });

  it('refuses any alg but EdDSA, including none', () => {
    for (const alg of ['none', 'HS256', 'ES256', 'RS256', 'eddsa', 'Ed25519']) {
      expect(reasonOf(signPass(a.privateKey, { alg, kid: a.kid }, payload))).toBe('wrong_alg');
    }
    expect(reasonOf(`${b64({ alg: 'none', kid: a.kid })}.${b64(payload)}.`)).toBe('malformed');
  });

  it('refuses a signed payload with missing or invalid fields', () => {
    const bad = [
      { ...payload, code: 'purple' },
      { ...payload, code: 'unknown' },
      { ...payload, sub: '' },
      { ...payload, jti: undefined },
      { ...payload, iat: 'yesterday' },
      { ...payload, exp: payload.iat },
      { ...payload, name: 42 },
    ];
    for (const p of bad) expect(reasonOf(signPass(a.privateKey, header, p))).toBe('bad_payload');
    const notAnObject = `${b64(header)}.${b64(['S1'])}`;
    const signed = `${notAnObject}.${sign(null, Buffer.from(notAnObject), a.privateKey).toString('base64url')}`;
    expect(reasonOf(signed)).toBe('bad_payload');
  });

  it('takes passes from every trusted key (rotation), each only under its own kid', () => {
    const fromB = signPass(b.privateKey, { alg: 'EdDSA', kid: b.kid }, { ...payload, code: 'yellow' });
    expect(verifier.verify(fromB, now)).toMatchObject({ ok: true, pass: { code: 'yellow', kid: b.kid } });
    expect(reasonOf(signPass(b.privateKey, header, payload))).toBe('bad_signature');
    const retired = new PassVerifier({ trustedKeys: [b.trusted] });
    expect(retired.verify(valid, now)).toMatchObject({ ok: false, reason: 'unknown_kid' });
  });

  it('tells a pass from an id or card number', () => {
    expect(looksLikeSignedPass(valid)).toBe(true);
    expect(looksLikeSignedPass(`${valid}\r\n`)).toBe(true);
    expect(looksLikeSignedPass(signPass(a.privateKey, { alg: 'HS256' }, payload))).toBe(true);
    for (const text of ['S20260101', '0040856634', 'a.b.c', 'www.example.com', '', '..']) {
      expect(looksLikeSignedPass(text)).toBe(false);
    }
    expect(looksLikeSignedPass(`${b64({ kid: 'x' })}.${b64(payload)}.AAAA`)).toBe(false);
  });

  it('never throws, and never accepts, whatever text it is given', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = verifier.verify(text, now);
        expect(result.ok).toBe(false);
        expect(() => looksLikeSignedPass(text)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/);
    fc.assert(
      fc.property(part, part, part, (h, p, s) => {
        expect(verifier.verify(`${h}.${p}.${s}`, now).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
    const headerPart = fc
      .record({
        alg: fc.oneof(fc.constant('EdDSA'), fc.string()),
        kid: fc.oneof(fc.constant(a.kid), fc.string()),
      })
      .map(b64);
    fc.assert(
      fc.property(headerPart, fc.jsonValue().map(b64), part, (h, p, s) => {
        expect(verifier.verify(`${h}.${p}.${s}`, now).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts no change of a single character of a valid pass', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.nat(alphabet.length - 1), (at, c) => {
        const changed = valid.slice(0, at) + alphabet[c] + valid.slice(at + 1);
        expect(verifier.verify(changed, now).ok).toBe(changed === valid);
      }),
      { numRuns: 3000 },
    );
  });

  it('stops at start on a key that is not an Ed25519 public key, or a kid given twice', () => {
    expect(
      () => new PassVerifier({ trustedKeys: [{ kid: 'k1', jwk: { kty: 'OKP', crv: 'Ed25519', x: '!!' } }] }),
    ).toThrow(/key "k1"/);
    expect(() => new PassVerifier({ trustedKeys: [a.trusted, { ...b.trusted, kid: a.kid }] })).toThrow(
      'healthCodes.trustedKeys: kid "district-2026a" is given twice',
    );
  });
});
