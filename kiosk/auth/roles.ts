/** Who may do what. A display token is not a role: it may only read the gate display for its lanes. */
export const roles = ['guard', 'nurse', 'admin', 'maintenance'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  /** The gate display: masked names, decisions, device health. */
  'display:read',
  /** Lane and device configuration and state (no personal data). */
  'lanes:read',
  /** Screenings with person ids and temperatures: health data. */
  'screenings:read',
  /** Return certificates, cases, absences, forms. */
  'health:write',
  /** Nurse cases with full names, re-checks and history: health data. */
  'cases:read',
  /** Re-checks and dispositions. */
  'cases:write',
  /** A guard's answers at the gate: hand checks, visitors, refusals. */
  'gate:act',
  /** Absent pupils with their reasons, symptoms and follow-ups: health data. */
  'absences:read',
  /** Reasons, symptoms, doctor's visits and follow-ups of absences. */
  'absences:write',
  /** The 晨午检 forms and the daily summary. */
  'reports:read',
  'roster:import',
  'users:manage',
  'audit:read',
  /** Devices: live bytes, self-tests, fixtures, calibration. No names, no health data. */
  'devices:diagnose',
  /** Simulated arrivals (demo and tests). */
  'sim:drive',
  /** Upload queue counts. */
  'outbox:read',
] as const;
export type Permission = (typeof permissions)[number];

const grants: Record<Role, readonly Permission[]> = {
  guard: ['display:read', 'lanes:read', 'outbox:read', 'gate:act'],
  nurse: [
    'display:read',
    'lanes:read',
    'screenings:read',
    'health:write',
    'outbox:read',
    'cases:read',
    'cases:write',
    'absences:read',
    'absences:write',
    'reports:read',
  ],
  maintenance: ['lanes:read', 'devices:diagnose', 'sim:drive', 'outbox:read'],
  admin: [
    'display:read',
    'lanes:read',
    'screenings:read',
    'health:write',
    'roster:import',
    'users:manage',
    'audit:read',
    'devices:diagnose',
    'sim:drive',
    'outbox:read',
    'cases:read',
    'cases:write',
    'gate:act',
    'absences:read',
    'absences:write',
    'reports:read',
  ],
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
