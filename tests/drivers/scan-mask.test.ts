import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMaskedHex } from '../../drivers/hex.ts';
import { maskScanText } from '../../drivers/scan-mask.ts';

describe('what diagnostics show of a scan', () => {
  it('shows its length and no character of it', () => {
    expect(maskScanText('S20260003')).toBe('*********');
    expect(maskScanText('11010519491231002X')).toBe('*'.repeat(18));
    expect(maskScanText('张三丰')).toBe('***');
    expect(maskScanText('')).toBe('');
    expect(maskScanText('A'.repeat(200))).toBe(`${'*'.repeat(32)}…(200)`);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 32 }), (text) => {
        expect(maskScanText(text)).toBe('*'.repeat(Array.from(text).length));
      }),
    );
  });

  it('shows scanner bytes as ** but for control bytes, the framing', () => {
    expect(toMaskedHex(Buffer.from('\x02S-01/7 X.\r\n\x03'))).toBe(`02${'**'.repeat(9)}0d0a03`);
    expect(toMaskedHex(Uint8Array.of(0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff))).toBe('001f****7f****');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = toMaskedHex(bytes);
        expect(hex).toHaveLength(bytes.length * 2);
        bytes.forEach((b, i) => {
          const cell = hex.slice(i * 2, i * 2 + 2);
          expect(cell).toBe(b < 0x20 || b === 0x7f ? b.toString(16).padStart(2, '0') : '**');
        });
      }),
    );
  });
});
