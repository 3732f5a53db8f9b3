import type { Db } from './database.ts';

export interface ReturnCertificate {
  id: number;
  personId: string;
  issuedAt: string;
  note: string | null;
  recordedAt: string;
}

/** 复课证明: a person sent home must show one before their next pass. */
export class ReturnCertificateStore {
  constructor(private readonly db: Db) {}

  /** Someone was sent home or referred: their next arrival is `verify` until a certificate is recorded. */
  require(personId: string): void {
    this.db.prepare('UPDATE people SET return_certificate_due = 1 WHERE id = ?').run(personId);
  }

  /** Records the certificate and clears the flag, in one transaction. */
  record(personId: string, issuedAt: Date, note: string | null, at = new Date()): ReturnCertificate {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          'INSERT INTO return_certificates (person_id, issued_at, note, recorded_at) VALUES (?, ?, ?, ?)',
        )
        .run(personId, issuedAt.toISOString(), note, at.toISOString());
      this.db.prepare('UPDATE people SET return_certificate_due = 0 WHERE id = ?').run(personId);
      return {
        id: Number(info.lastInsertRowid),
        personId,
        issuedAt: issuedAt.toISOString(),
        note,
        recordedAt: at.toISOString(),
      };
    })();
  }
}
