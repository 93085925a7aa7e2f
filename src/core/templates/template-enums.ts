/** Coder's WorkspaceAgentPortShareLevel values a template's `max_port_share_level` may take. */
export const PORT_SHARE_LEVELS = ['owner', 'authenticated', 'organization', 'public'] as const;
/** Coder's `cors_behavior` values. */
export const CORS_BEHAVIORS = ['simple', 'passthru'] as const;
