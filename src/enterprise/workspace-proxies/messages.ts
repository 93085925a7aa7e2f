/** Coder's wording for the workspace proxy routes (enterprise/coderd/workspaceproxy.go, httpmw). */
export const PROXY_MESSAGES = {
  reservedName: 'The name "primary" is reserved for the primary region.',
  reservedNameDetail: "Cannot name a workspace proxy 'primary'.",
  duplicateName: (name: string) => `Workspace proxy with name ${JSON.stringify(name)} already exists.`,
  primaryRename: "Cannot update name of default primary proxy, did you mean to update the 'display name'?",
  primaryRenameField: 'Cannot update name of default primary proxy',
  nothingToUpdate: 'No update arguments provided. Nothing to do.',
  noValue: 'No value provided.',
  primaryToken: 'The primary proxy has no token to regenerate.',
  primaryTokenField: 'The primary region is this server; it authenticates nothing with a proxy token.',
  deletedProxy: 'This workspace proxy has been deleted.',
  deletePrimary: 'Cannot delete primary proxy',
  deleted: 'Proxy has been deleted!',
  missingToken: 'Missing required external proxy token',
  invalidToken: 'Invalid external proxy token',
  proxyNotFound: 'Proxy not found.',
  proxyDeleted: 'Proxy has been deleted.',
  badSecret: 'Invalid proxy token secret.',
  badUrl: 'URL is invalid.',
  badWildcard: 'Wildcard URL is invalid.',
  badReplicaId: 'Replica ID is invalid.',
  derpOnly: 'DerpOnly cannot be true when DerpEnabled is false.',
  replicaStopped: (id: string) => `Replica ${id} is marked stopped: a proxy replica that deregistered must restart with a new replica ID.`,
  replicaTaken: (id: string) => `Replica ID ${id} belongs to another replica.`,
} as const;

/** The header external proxies authenticate with (Coder's `Coder-External-Proxy-Token`). */
export const PROXY_TOKEN_HEADER = 'Coder-External-Proxy-Token';
