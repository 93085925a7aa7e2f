import { badRequest, MESSAGES } from '../../common/errors.js';
import { PROVISIONER_TYPES, type ProvisionerType } from '../../core/provisioning/entities/provisioner-job.entity.js';
import { tagsProblem } from '../../core/provisioning/tags.js';
import { DAEMON_MESSAGES } from './messages.js';

/** What a daemon asks for when it connects to `/provisionerdaemons/serve`. */
export interface ServeQuery {
  provisioners: ProvisionerType[];
  /** As given (before MutateTags). */
  tags: Record<string, string>;
  name?: string;
  version?: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const VERSION = /^[A-Za-z0-9_.+~-]{1,64}$/;

function invalidQuery(field: string, detail: string) {
  return badRequest(MESSAGES.invalidQuery, undefined, [{ field, detail }]);
}

/**
 * Coder's serve query: `provisioner` (repeatable, required, duplicates collapse), `tag=key=value`
 * (repeatable, split at the first `=`), and our `name` and `version`. Throws the 400 to answer.
 */
export function parseServeQuery(params: URLSearchParams): ServeQuery {
  const provisioners: ProvisionerType[] = [];
  for (const value of params.getAll('provisioner')) {
    if (!(PROVISIONER_TYPES as readonly string[]).includes(value)) throw badRequest(DAEMON_MESSAGES.unknownProvisioner(value));
    if (!provisioners.includes(value as ProvisionerType)) provisioners.push(value as ProvisionerType);
  }
  if (provisioners.length === 0) throw badRequest(DAEMON_MESSAGES.missingProvisioner);

  const tags: Record<string, string> = {};
  for (const tag of params.getAll('tag')) {
    const eq = tag.indexOf('=');
    if (eq < 0) throw badRequest(DAEMON_MESSAGES.badTagFormat(tag));
    tags[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  const problem = tagsProblem(tags);
  if (problem) throw badRequest(DAEMON_MESSAGES.badTags, problem);

  const name = params.get('name') || undefined;
  if (name !== undefined && !NAME.test(name)) {
    throw invalidQuery('name', 'Must be 1-64 characters of letters, digits, "_", "." and "-".');
  }
  const version = params.get('version') || undefined;
  if (version !== undefined && !VERSION.test(version)) {
    throw invalidQuery('version', 'Must be 1-64 characters of letters, digits, "_", ".", "+", "~" and "-".');
  }
  return { provisioners, tags, name, version };
}
