/** The authenticated caller, built once per request by the session guard. */
export interface Actor {
  id: string;
  username: string;
  email: string;
  /** Explicit site roles (no implied `member`). */
  siteRoles: string[];
  /** organization id → explicit organization roles (no implied `organization-member`). */
  orgRoles: Map<string, string[]>;
  /** Groups the actor belongs to, including each organization's Everyone group (id = organization id). */
  groupIds: string[];
  apiKeyId: string;
  apiKeyScope: string;
  loginType: string;
}
