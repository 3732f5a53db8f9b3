/** A class as the roster names it: grade and class name (e.g. 1 and "1班"). */
export interface ClassKey {
  grade: number | null;
  className: string | null;
}

/** How the school writes a class: 1年级1班. */
export function classLabel(k: ClassKey): string {
  if (k.grade !== null && k.className) return `${k.grade}年级${k.className}`;
  if (k.className) return k.className;
  if (k.grade !== null) return `${k.grade}年级`;
  return '未分班';
}

const collator = new Intl.Collator('zh-CN', { numeric: true });

/** Grade by grade, then 1班, 2班 … 10班 in number order. */
export function compareClasses(a: ClassKey, b: ClassKey): number {
  const ga = a.grade ?? Number.MAX_SAFE_INTEGER;
  const gb = b.grade ?? Number.MAX_SAFE_INTEGER;
  if (ga !== gb) return ga - gb;
  return collator.compare(a.className ?? '', b.className ?? '');
}

export function classKeyString(k: ClassKey): string {
  return `${k.grade ?? ''}|${k.className ?? ''}`;
}
