// Roster import for the school office: pick the school's spreadsheet, see what it would change (or
// every bad row), then import it. The server checks everything; this page only shows its answers.
// Only an admin may open it.

import { byId } from '../shared/dom.ts';
import { requireSession, userBar } from '../shared/session.ts';
import { renderChanges, renderCounts, renderErrors, renderWarnings } from './preview.ts';
import { type ImportReport, sendRoster } from './roster-api.ts';

const fileInput = byId<HTMLInputElement>('file');
const status = byId('status');
const problems = byId('problems');
const problemsSummary = byId('problems-summary');
const errorRows = byId('error-rows');
const preview = byId('preview');
const counts = byId('counts');
const warnings = byId('warnings');
const changes = byId('changes');
const importButton = byId<HTMLButtonElement>('import');
const done = byId('done');
const removalWarning = byId('removal-warning');
const confirmRemoval = byId<HTMLInputElement>('confirm-removal');

/** An import that would mark more than this share of the school as left is said plainly, and asked again. */
const MANY_LEFT = 0.1;

const session = await requireSession(['admin']);
byId('session').append(userBar(session));

/** The file the preview shows; the import sends exactly these bytes. */
let previewed: { file: File; report: ImportReport } | null = null;
/** Only the answer for the latest chosen file is shown. */
let choice = 0;

function say(text: string, state: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.state = state;
}

function reset(): void {
  previewed = null;
  problems.hidden = true;
  preview.hidden = true;
  done.hidden = true;
  importButton.disabled = true;
  removalWarning.hidden = true;
  confirmRemoval.checked = false;
}

/**
 * A file that would mark many people as left is usually a part of the school (one grade, one
 * class), not the whole roster: the page says so and takes the import only once that is confirmed.
 */
function warnOfRemovals(report: ImportReport): boolean {
  const c = report.counts;
  const school = c.updated + c.unchanged + c.removed;
  const many = school > 0 && c.removed / school > MANY_LEFT;
  removalWarning.hidden = !many;
  confirmRemoval.checked = false;
  if (!many) return false;
  const share = Math.round((c.removed / school) * 100);
  const rows = c.added + c.updated + c.unchanged;
  byId('removal-text').textContent =
    `注意：导入此文件会把 ${c.removed} 人（全校 ${school} 人中的 ${share}%）标记为离校。` +
    `文件只有 ${rows} 人——如果它只是部分年级或班级的名单，请不要导入，改用完整名单。` +
    ` · Importing this file marks ${c.removed} of the school's ${school} people (${share}%) as left; it holds ${rows} people. If it lists only some grades or classes, do not import it: use the whole roster.`;
  byId('confirm-removal-zh').textContent = `我确认这些人已离校，将 ${c.removed} 人标记离校`;
  byId('confirm-removal-en').textContent = `They have left: mark ${c.removed} people as left`;
  return true;
}

confirmRemoval.addEventListener('change', () => {
  if (previewed) importButton.disabled = !confirmRemoval.checked;
});

fileInput.addEventListener('change', async () => {
  reset();
  const file = fileInput.files?.[0];
  if (!file) return;
  const mine = ++choice;
  say(`正在检查 ${file.name} … · Checking ${file.name} …`);
  const answer = await sendRoster(session, file, file.name, true);
  if (mine !== choice) return;
  // Choosing the same file again, once corrected, must check it again.
  fileInput.value = '';
  if (answer.kind === 'failed') {
    say(`无法检查：${answer.refusal.zh} · Could not check the file: ${answer.refusal.en}`, 'error');
    return;
  }
  if (answer.kind === 'invalid') {
    say(`${file.name}：${answer.errors.length} 处错误 · ${answer.errors.length} errors`, 'error');
    problemsSummary.textContent = `${answer.refusal.zh} · ${answer.refusal.en}`;
    problems.dataset.count = String(answer.errors.length);
    renderErrors(errorRows, answer.errors);
    problems.hidden = false;
    return;
  }
  previewed = { file, report: answer.report };
  say(`${file.name}：检查通过，请确认下面的变更 · No errors; check the changes below`);
  renderCounts(counts, answer.report);
  renderWarnings(warnings, answer.report.warnings);
  renderChanges(changes, answer.report);
  preview.hidden = false;
  importButton.disabled = warnOfRemovals(answer.report);
});

importButton.addEventListener('click', async () => {
  if (!previewed) return;
  if (!removalWarning.hidden && !confirmRemoval.checked) return;
  const { file } = previewed;
  importButton.disabled = true;
  say(`正在导入 ${file.name} … · Importing ${file.name} …`);
  const answer = await sendRoster(session, file, file.name, false);
  if (answer.kind === 'report') {
    const c = answer.report.counts;
    previewed = null;
    preview.hidden = true;
    done.dataset.imported = String(answer.report.imported);
    done.textContent =
      `已导入 ${answer.report.imported} 人：新增 ${c.added}，更新 ${c.updated}，标记离校 ${c.removed}。` +
      ` · Imported ${answer.report.imported} people: ${c.added} added, ${c.updated} updated, ${c.removed} marked left.`;
    done.hidden = false;
    say('');
    return;
  }
  if (answer.kind === 'invalid') {
    renderErrors(errorRows, answer.errors);
    problemsSummary.textContent = `${answer.refusal.zh} · ${answer.refusal.en}`;
    problems.dataset.count = String(answer.errors.length);
    problems.hidden = false;
    preview.hidden = true;
  }
  say(`未导入：${answer.refusal.zh} · Not imported: ${answer.refusal.en}`, 'error');
  importButton.disabled = answer.kind === 'invalid';
});
