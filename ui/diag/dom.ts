// The diagnostics page's own bilingual labels and buttons: Chinese and English side by side with no
// text between them (diag.css sets the gap, `.zh + .en`). Everything else comes from ../shared/dom.ts.
import { el } from '../shared/dom.ts';

/** `<span class="zh">设备</span><span class="en">Devices</span>` */
export function bilingual(className: string, zh: string, en: string): HTMLSpanElement {
  const wrap = el('span', className);
  wrap.append(el('span', 'zh', zh), el('span', 'en', en));
  return wrap;
}

export function button(className: string, zh: string, en: string, title = ''): HTMLButtonElement {
  const b = el('button', className);
  b.type = 'button';
  b.append(el('span', 'zh', zh), el('span', 'en', en));
  if (title) b.title = title;
  return b;
}
