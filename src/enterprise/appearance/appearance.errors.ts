/** Coder's 403 for a caller without `update` on `deployment_config`. */
export const UPDATE_FORBIDDEN = 'Insufficient permissions to update appearance';
