import { STATUS_CODES } from 'node:http';
import type {
  MediaTypeObject,
  OpenAPIObject,
  OperationObject,
  PathItemObject,
  ReferenceObject,
  ResponseObject,
  TagObject,
} from '@nestjs/swagger';
import type { ErrorBody } from '../errors.js';
import { describePathParams } from './path-params.js';
import { ERROR_EXAMPLES, MESSAGE_EXAMPLES, SCIM_ERROR_EXAMPLES } from './swagger-examples.js';

interface ErrorExample {
  summary: string;
  value: ErrorBody;
}

/**
 * Tag order of Coder's REST API reference (docs/manifest.json → "REST API"): General first, then
 * the sections alphabetically. Coder documents SCIM on its Enterprise page, so our SCIM tag
 * follows Enterprise. Tags not listed here come last, alphabetically.
 */
export const TAG_ORDER = [
  'General',
  'Audit',
  'Authentication',
  'Authorization',
  'Builds',
  'Enterprise',
  'SCIM',
  'Files',
  'Members',
  'Organizations',
  'Templates',
  'Users',
  'WorkspaceProxies',
  'Workspaces',
];

const TAG_DESCRIPTIONS: Record<string, string> = {
  SCIM:
    'SCIM 2.0 provisioning for identity providers, authenticated with the SCIM key (`CODER_SCIM_AUTH_HEADER`), ' +
    "not a session token. Listed under `/api/v2/scim/v2` as on Coder's API page; every route is also served at " +
    "`/scim/v2` (Coder's real mount, the URL identity providers are given).",
};

/** The page's form of a route: a handler mounted at several paths is listed once, under this prefix. */
const PREFERRED_PREFIX = '/api/v2/';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Method = (typeof METHODS)[number];

const ERROR_SCHEMA = '#/components/schemas/ErrorResponseDto';
const SCIM_ERROR_SCHEMA = '#/components/schemas/ScimErrorDto';

interface Located {
  path: string;
  method: Method;
  op: OperationObject;
}

/**
 * Post-processing of the generated OpenAPI document, so Swagger UI reads well without repeating
 * the same decorators on every controller: one listing per handler, tags in Coder's order, plain
 * text summaries, a description on every response and an example body for every error.
 */
export function polishDocument(source: OpenAPIObject): OpenAPIObject {
  const doc = structuredClone(source);
  listEachHandlerOnce(doc);
  describePathParams(doc);
  for (const { op } of operations(doc)) {
    if (op.summary) op.summary = plainText(op.summary);
    for (const [status, response] of Object.entries(op.responses)) {
      if (!response || '$ref' in response) continue;
      if (!response.description) response.description = STATUS_CODES[Number(status)] ?? 'Response';
      addErrorExamples(Number(status), response, Boolean(op.security?.length));
    }
  }
  doc.tags = orderedTags(doc);
  return doc;
}

function operations(doc: OpenAPIObject): Located[] {
  const found: Located[] = [];
  for (const [path, item] of Object.entries<PathItemObject>(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) found.push({ path, method, op });
    }
  }
  return found;
}

/**
 * Nest lists a controller mounted at two paths (SCIM: `/scim/v2` and `/api/v2/scim/v2`) twice,
 * with operation ids suffixed `[0]`, `[1]`. Keep the `/api/v2` listing, say where else it is
 * served, and give it back its plain operation id.
 */
function listEachHandlerOnce(doc: OpenAPIObject): void {
  const byHandler = new Map<string, Located[]>();
  for (const located of operations(doc)) {
    const match = /^(.*)\[\d+\]$/.exec(located.op.operationId ?? '');
    if (!match) continue;
    byHandler.set(match[1], [...(byHandler.get(match[1]) ?? []), located]);
  }
  for (const [operationId, copies] of byHandler) {
    const kept = copies.find((c) => c.path.startsWith(PREFERRED_PREFIX)) ?? copies[0];
    const others = copies.filter((c) => c !== kept);
    for (const other of others) delete doc.paths[other.path][other.method];
    kept.op.operationId = operationId;
    const also = others.map((o) => `\`${o.path}\``).join(', ');
    if (also) kept.op.description = [kept.op.description, `Also served at ${also}.`].filter(Boolean).join('\n\n');
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!METHODS.some((m) => item[m])) delete doc.paths[path];
  }
}

/** Swagger UI shows summaries as plain text: drop Markdown code spans, bold and links. */
export function plainText(summary: string): string {
  return summary
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

/**
 * Messages a response description names in backticks (`Forbidden.`), as opposed to field names
 * (`scimType`), values (`CODER_EXPERIMENTS=*`) and headers (`Retry-After: N`).
 */
export function namedMessages(description: string): string[] {
  return [...description.matchAll(/`([^`]+)`/g)]
    .map((m) => m[1])
    .filter((text) => /^[A-Z]/.test(text) && /\s|[.!]$/.test(text) && !/^[\w-]+: /.test(text));
}

function addErrorExamples(status: number, response: ResponseObject, signedIn: boolean): void {
  if (status < 400 || !response.content) return;
  for (const media of Object.values<MediaTypeObject>(response.content)) {
    if (media.example !== undefined || media.examples) continue;
    const ref = (media.schema as ReferenceObject | undefined)?.$ref;
    if (ref === SCIM_ERROR_SCHEMA && SCIM_ERROR_EXAMPLES[status]) media.example = SCIM_ERROR_EXAMPLES[status].value;
    if (ref === ERROR_SCHEMA) setExamples(media, envelopeExamples(status, response.description, signedIn));
  }
}

/**
 * The messages the description names, or the status' usual answer when it names none. A 403
 * naming a specific case (an entitlement) can still be the plain `Forbidden.` of authorization
 * on a route that takes a session, or one whose description says so.
 */
function envelopeExamples(status: number, description: string, signedIn: boolean): ErrorExample[] {
  const usual = ERROR_EXAMPLES[status];
  const named = namedMessages(description).map((message) => ({
    summary: message,
    value: MESSAGE_EXAMPLES[message] ?? { message },
  }));
  if (!usual) return named;
  if (named.length === 0) return [usual];
  const hasUsual = named.some((n) => n.value.message === usual.value.message);
  const alsoUsual = status === 403 && !hasUsual && (signedIn || /not allowed/i.test(description));
  return alsoUsual ? [usual, ...named] : named;
}

function setExamples(media: MediaTypeObject, examples: ErrorExample[]): void {
  if (examples.length === 1) media.example = examples[0].value;
  if (examples.length > 1) {
    media.examples = {};
    for (const [i, example] of examples.entries()) {
      const key = exampleKey(example.summary, i);
      media.examples[key in media.examples ? `${key}-${i + 1}` : key] = example;
    }
  }
}

function exampleKey(summary: string | undefined, index: number): string {
  const slug = (summary ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const short = slug.length > 40 ? slug.slice(0, 41).replace(/-[^-]*$/, '') : slug;
  return short || `example-${index + 1}`;
}

function orderedTags(doc: OpenAPIObject): TagObject[] {
  const used = new Set(operations(doc).flatMap(({ op }) => op.tags ?? []));
  const declared = new Map((doc.tags ?? []).map((tag) => [tag.name, tag]));
  const rank = (name: string) => (TAG_ORDER.includes(name) ? TAG_ORDER.indexOf(name) : TAG_ORDER.length);
  return [...used]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => {
      const description = declared.get(name)?.description ?? TAG_DESCRIPTIONS[name];
      return { ...declared.get(name), name, ...(description ? { description } : {}) };
    });
}
