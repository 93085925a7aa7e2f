import { PROVISIONER_TYPES, type ProvisionerType } from '../../core/provisioning/entities/provisioner-job.entity.js';
import { tagsProblem } from '../../core/provisioning/tags.js';
import {
  badTagFormat,
  badTags,
  invalidServeQuery,
  missingProvisioner,
  unknownProvisioner,
} from './provisioner-daemons.errors.js';

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

/**
 * Coder's serve query: `provisioner` (repeatable, required, duplicates collapse), `tag=key=value`
 * (repeatable, split at the first `=`), and our `name` and `version`. Throws the 400 to answer.
 */
export function parseServeQuery(params: URLSearchParams): ServeQuery {
  const provisioners: ProvisionerType[] = [];
  for (const value of params.getAll('provisioner')) {
    if (!(PROVISIONER_TYPES as readonly string[]).includes(value)) throw unknownProvisioner(value);
    if (!provisioners.includes(value as ProvisionerType)) provisioners.push(value as ProvisionerType);
  }
  if (provisioners.length === 0) throw missingProvisioner();

  const tags: Record<string, string> = {};
  for (const tag of params.getAll('tag')) {
    const eq = tag.indexOf('=');
    if (eq < 0) throw badTagFormat(tag);
    tags[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  const problem = tagsProblem(tags);
  if (problem) throw badTags(problem);

  const name = params.get('name') || undefined;
  if (name !== undefined && !NAME.test(name)) {
    throw invalidServeQuery('name', 'Must be 1-64 characters of letters, digits, "_", "." and "-".');
  }
  const version = params.get('version') || undefined;
  if (version !== undefined && !VERSION.test(version)) {
    throw invalidServeQuery('version', 'Must be 1-64 characters of letters, digits, "_", ".", "+", "~" and "-".');
  }
  return { provisioners, tags, name, version };
}
