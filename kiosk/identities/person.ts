import type { HealthCode } from '../policy/types.ts';

export interface Person {
  id: string;
  name: string;
  kind: 'student' | 'staff';
  grade: number | null;
  className: string | null;
  card: string | null;
  guardianPhone: string | null;
  boarder: boolean;
  healthCode: HealthCode;
  /** ISO instant of the status, or null when unknown. */
  healthCodeAt: string | null;
  returnCertificateDue: boolean;
}
