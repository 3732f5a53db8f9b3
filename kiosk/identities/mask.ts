import { visibleText } from './roster-text.ts';

/**
 * The name a public screen may show: first and last character with the middle hidden
 * (张三丰 → 张*丰, 李四 → 李*, 欧阳娜娜 → 欧**娜, 阿卜杜拉·艾山 → 阿***山). Works on characters, not UTF-16 units,
 * and on the visible ones only: a text-direction control kept from an old import shows nothing here.
 */
export function maskName(stored: string): string {
  const name = visibleText(stored);
  const chars = Array.from(name);
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  if (/^[\p{Script=Latin}\s.'-]+$/u.test(name)) {
    // Latin names: initials of each word, e.g. "Anna Maria Smith" → "A. M. S."
    return name
      .trim()
      .split(/\s+/)
      .map((w) => `${Array.from(w)[0]}.`)
      .join(' ');
  }
  // At most three stars: the length of a name is no business of a public screen either.
  return `${chars[0]}${'*'.repeat(Math.min(3, chars.length - 2))}${chars[chars.length - 1]}`;
}
