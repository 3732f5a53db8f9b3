// Line icons drawn as SVG elements (no icon font, no network), one per tile tone.
import type { Tone } from './labels.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

type Shape = { kind: 'path'; d: string } | { kind: 'dot'; cx: number; cy: number; r: number };

const ICONS: Record<Tone, Shape[]> = {
  green: [{ kind: 'path', d: 'M4.5 12.5l5 5L19.5 7' }],
  red: [{ kind: 'path', d: 'M6 6l12 12M18 6L6 18' }],
  amber: [
    { kind: 'path', d: 'M12 3.5L22 20.5H2z' },
    { kind: 'path', d: 'M12 9.5v5' },
    { kind: 'dot', cx: 12, cy: 17.6, r: 0.6 },
  ],
  waiting: [
    { kind: 'path', d: 'M10 13.8V5a2 2 0 0 1 4 0v8.8a4 4 0 1 1-4 0z' },
    { kind: 'path', d: 'M12 9v7.5' },
  ],
  idle: [
    { kind: 'path', d: 'M3.5 8V3.5H8M16 3.5h4.5V8M20.5 16v4.5H16M8 20.5H3.5V16' },
    { kind: 'path', d: 'M3.5 12h17' },
  ],
};

export function createToneIcon(tone: Tone): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'tone-icon');
  for (const shape of ICONS[tone]) {
    if (shape.kind === 'path') {
      const path = document.createElementNS(SVG_NS, 'path');
      path.setAttribute('d', shape.d);
      svg.append(path);
    } else {
      const dot = document.createElementNS(SVG_NS, 'circle');
      dot.setAttribute('cx', String(shape.cx));
      dot.setAttribute('cy', String(shape.cy));
      dot.setAttribute('r', String(shape.r));
      svg.append(dot);
    }
  }
  return svg;
}
