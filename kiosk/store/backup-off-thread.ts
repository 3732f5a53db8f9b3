import { startWorker } from '../threads/start-worker.ts';
import type { BackupCopy } from './backup.ts';
import type { BackupJob } from './backup-worker.ts';

/** The day's copy taken on a thread of its own (dist/backup-worker.js in the bundle). */
export function dailyBackupOffThread(job: BackupJob): Promise<BackupCopy & { removed: string[] }> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL('./backup-worker', import.meta.url), import.meta.url, {
      workerData: job,
    });
    let answered = false;
    worker.once(
      'message',
      (answer: { ok?: BackupCopy & { removed: string[] }; error?: { message: string } }) => {
        answered = true;
        if (answer.ok) resolve(answer.ok);
        else reject(Object.assign(new Error(answer.error?.message ?? 'the backup failed'), answer.error));
      },
    );
    worker.once('error', (err) => {
      answered = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the backup thread stopped (exit ${code}) without an answer`));
    });
  });
}
