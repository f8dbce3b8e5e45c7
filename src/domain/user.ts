// People who sign in, and what each role may do.

export const ROLES = ['admin', 'staff', 'leader', 'mttq'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in user as routes see it. Never carries the password hash. */
export interface SessionUser {
  id: number;
  username: string;
  role: Role;
}

/** Roles that may change an item's triage state. */
export const TRIAGE_ROLES: readonly Role[] = ['admin', 'staff'];
/** Roles that may read the item queue. */
export const READ_ITEM_ROLES: readonly Role[] = ['admin', 'staff', 'leader'];
