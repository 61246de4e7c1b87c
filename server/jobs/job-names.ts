/**
 * Job names more than one domain enqueues: deleting an account's data (Admin → Users deletes a
 * person, Admin → Team folders deletes a team folder's TEAM account); server/admin handles it.
 */
export const USER_DELETE_JOB = "user.delete";
