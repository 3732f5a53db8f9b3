// How diagnostics writes bytes, readings, ages and sizes: pure functions, no DOM.
import type { DeviceEvent } from '../../contract/diag-events.ts';

/** One byte of a frame as the page shows it: its hex pair and its printable character. */
export interface ByteCell {
  /** `5a`, or `**` for a masked text byte. */
  hex: string;
  /** The ASCII character, `*` for a masked byte, `.` for a control or non-ASCII byte. */
  char: string;
  masked: boolean;
  /** CR, LF or another control byte: shown dimmed. */
  control: boolean;
}

/** Splits the server's hex (two characters a byte, `**` for masked bytes) into bytes. */
export function byteCells(hex: string): ByteCell[] {
  const cells: ByteCell[] = [];
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const pair = hex.slice(i, i + 2).toLowerCase();
    if (pair === '**') {
      cells.push({ hex: '**', char: '*', masked: true, control: false });
      continue;
    }
    const byte = Number.parseInt(pair, 16);
    if (Number.isNaN(byte)) {
      cells.push({ hex: '??', char: '?', masked: false, control: true });
      continue;
    }
    const printable = byte >= 0x20 && byte <= 0x7e;
    cells.push({
      hex: pair,
      char: printable ? String.fromCharCode(byte) : '.',
      masked: false,
      control: !printable,
    });
  }
  return cells;
}

/** Rows of at most `perRow` bytes, for a hex dump. */
export function chunkRows<T>(items: readonly T[], perRow: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += perRow) rows.push(items.slice(i, i + perRow));
  return rows;
}

/** `36.60 °C`; diagnostics keeps two decimals so small drifts stay visible. */
export function formatC(value: number): string {
  return `${value.toFixed(2)} °C`;
}

const SYMBOLOGIES: Record<string, string> = {
  Q: 'QR',
  C: 'Code 128',
  E: 'EAN/UPC',
  d: 'Data Matrix',
  A: 'Code 39',
  I: 'ITF',
  L: 'PDF417',
  z: 'Aztec',
  G: 'Code 93',
  F: 'Codabar',
};

/** `]Q1` → `QR`; an unknown identifier is shown as sent. */
export function symbologyName(aim: string): string {
  const name = aim.startsWith(']') ? SYMBOLOGIES[aim.charAt(1)] : undefined;
  return name ?? aim;
}

/** A decoded event in words: `体温 36.60 °C · object 34.52 °C · weak high`, `scan ********* (QR)`. */
export function describeEvent(event: DeviceEvent): string {
  if (event.kind === 'identity') {
    const what = event.source === 'card' ? 'card' : 'scan';
    const symbology = event.symbology ? ` (${symbologyName(event.symbology)})` : '';
    return `${what} ${event.text}${symbology}`;
  }
  const parts: string[] = [];
  if (event.bodyC !== undefined) parts.push(`体温 ${formatC(event.bodyC)}`);
  const surface: string[] = [];
  if (event.objectC !== undefined) surface.push(`object ${formatC(event.objectC)}`);
  if (event.ambientC !== undefined) surface.push(`ambient ${formatC(event.ambientC)}`);
  if (surface.length > 0) parts.push(surface.join(' / '));
  if (event.remark) parts.push(event.remark);
  return parts.length > 0 ? parts.join(' · ') : 'temperature (no value)';
}

/** The gist of an event for a small space: the body reading if any, else the first value; a scan. */
export function summarizeEvent(event: DeviceEvent): string {
  if (event.kind === 'identity') return describeEvent(event);
  if (event.bodyC !== undefined) return `体温 ${formatC(event.bodyC)}`;
  if (event.objectC !== undefined) return `object ${formatC(event.objectC)}`;
  if (event.ambientC !== undefined) return `ambient ${formatC(event.ambientC)}`;
  return describeEvent(event);
}

/** `0.4 s ago`, `3.2 s ago`, `4 min 12 s ago`, `2 h 5 min ago`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s ago`;
  const totalS = Math.floor(s);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${totalS % 60} s ago`;
  const totalMin = Math.floor(totalS / 60);
  if (totalMin < 48 * 60) return `${Math.floor(totalMin / 60)} h ${totalMin % 60} min ago`;
  return `${Math.floor(totalMin / 1440)} d ago`;
}

/** `812 B`, `14.2 KB`, `3.10 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(2)} MB`;
}

/** `12,345` with thin grouping, so counters line up and read at a glance. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `08:12:03.417` in the browser's time zone. */
export function formatClock(at: Date): string {
  if (Number.isNaN(at.getTime())) return '--:--:--.---';
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
}

/** `2026-03-01 08:12` in the browser's time zone. */
export function formatDateTime(at: Date): string {
  if (Number.isNaN(at.getTime())) return '—';
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A decimal a person typed: `36.5`, `36,5`, ` 36.5 `; null when it is not one. */
export function parseDecimal(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}
