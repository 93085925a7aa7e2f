import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';

/** A committed suspension (`PUT /users/{user}/status/suspend`, SCIM `active: false` or DELETE). */
export interface UserSuspension {
  userId: string;
  /** Who suspended: an admin's id, or the nil id for Coder's automatic actors (SCIM). */
  actorId: string;
  /** Coder's `automatic_actor`/`automatic_subsystem` fields when the actor is no user. */
  auditFields?: Record<string, string>;
  meta: RequestMeta;
}

/** What follows a suspension (src/core/workspaces/suspended-owner-stops.service.ts registers one). */
export type SuspensionListener = (suspension: UserSuspension) => Promise<void>;

/** Coder's BackgroundTaskFields for the dormancy subsystem (audit entries of dormant/active flips). */
export const DORMANCY_ACTOR_FIELDS = { automatic_actor: 'coder', automatic_subsystem: 'dormancy' } as const;
