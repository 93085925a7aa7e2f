/** Every message the provisioner daemon routes answer with (Coder's wording where Coder has one). */
export const DAEMON_MESSAGES = {
  missingProvisioner: 'The provisioner query parameter must be specified.',
  unknownProvisioner: (value: string) => `Unknown provisioner type ${JSON.stringify(value)}`,
  badTagFormat: (tag: string) => `Invalid format for tag ${JSON.stringify(tag)}. Key and value must be separated with =.`,
  badTags: 'Given tags are not acceptable to the service',
  badPsk: 'The provisioner daemon pre-shared key is invalid.',
  orgScopeForbidden: "You aren't allowed to create provisioner daemons for the organization.",
  websocketOnly: 'This endpoint only accepts WebSocket connections.',
  shuttingDown: 'The server is shutting down. Try again shortly.',
  disconnected: (name: string) => `Provisioner daemon "${name}" disconnected while running this job.`,
  serverStopped: (name: string) => `The server stopped while provisioner daemon "${name}" was running this job.`,
} as const;

/** Header carrying the pre-shared key (CODER_PROVISIONER_DAEMON_PSK), as in Coder. */
export const PSK_HEADER = 'coder-provisioner-daemon-psk';
