// Request generation: for one operation of the OpenAPI document, a valid request built on the
// fixtures with exactly one part mutated (a path parameter, a query parameter, a header, one body
// field, the whole body, or the Content-Type), or, now and then, left valid.
import {
  Raw,
  bodyLevelMutations,
  bodyValueMutations,
  contentTypeMutations,
  credentialMutations,
  headerValueMutations,
  pathValueMutations,
  queryValueMutations,
  serializeBody,
} from './mutations.mjs';
import { propertiesOf, resolveSchema } from './openapi.mjs';
import { validBody, validHeaderValue, validPathValue, validQueryValue } from './valid.mjs';

const MAX_FIELD_DEPTH = 4;

/** The schema of the value at `path` inside `schema` (property names and array indexes). */
export function schemaAt(doc, schema, path) {
  let s = resolveSchema(doc, schema);
  for (const key of path) {
    if (!s) return undefined;
    if (typeof key === 'number') s = resolveSchema(doc, s.items);
    else {
      const props = propertiesOf(doc, s);
      s =
        props[key] ??
        (typeof s.additionalProperties === 'object' ? resolveSchema(doc, s.additionalProperties) : undefined);
    }
  }
  return s;
}

/** Every field a mutation may target: the valid body's own values (any depth ≤ 4) and the schema's properties. */
export function fieldPaths(doc, schema, json) {
  const seen = new Map();
  const add = (path) => seen.set(JSON.stringify(path), path);
  const walk = (value, path) => {
    if (path.length > 0) add(path);
    if (path.length >= MAX_FIELD_DEPTH || value === null || typeof value !== 'object' || value instanceof Raw) return;
    if (Array.isArray(value)) value.slice(0, 2).forEach((v, i) => walk(v, [...path, i]));
    else for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(json, []);
  const props = propertiesOf(doc, schema);
  for (const [name, prop] of Object.entries(props)) {
    add([name]);
    for (const nested of Object.keys(propertiesOf(doc, prop))) add([name, nested]);
  }
  return [...seen.values()];
}

function setAt(target, path, value) {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (node[key] === null || typeof node[key] !== 'object' || node[key] instanceof Raw)
      node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  } else node[last] = value;
}

const clone = (value) => (value === undefined ? undefined : structuredClone(value));
const pathName = (path) =>
  path
    .map((k) => (typeof k === 'number' ? `[${k}]` : k))
    .join('.')
    .replace(/\.\[/g, '[');

/** Picks one [name, weight, make] entry and returns { mutation, value }. */
function choose(rng, entries) {
  const [name, , make] = rng.weighted(entries.map((e) => [e, e[1]]));
  return { mutation: name, value: make() };
}

/**
 * One request for `op`. `fx`: the fixtures (ids, names, secrets); `rng`: the operation's stream.
 * Returns { method, path, template, headers, body, mutation, site }: `path` is the URL path with
 * its query string, `body` the exact text sent (undefined: none).
 */
export function generateRequest(doc, op, fx, rng) {
  const pathValues = Object.fromEntries(
    op.pathParams.map((p) => [p.name, encodeURIComponent(String(validPathValue(op, p.name, fx, rng)))]),
  );
  const query = [];
  for (const param of op.queryParams) {
    const value = validQueryValue(op, param, fx, rng);
    if (value !== undefined) query.push([param.name, `${encodeURIComponent(param.name)}=${encodeURIComponent(value)}`]);
  }
  const headers = {};
  for (const param of op.headerParams) {
    const value = validHeaderValue(param, fx);
    if (value !== undefined) headers[param.name] = value;
  }
  const valid = validBody(doc, op, fx, rng);
  let json = clone(valid?.json);
  let bodyText = valid?.raw;
  let contentType = valid?.contentType;

  const sites = [['valid', 0.6]];
  if (op.pathParams.length) sites.push(['path', 2]);
  if (op.queryParams.length) sites.push(['query', 1.5]);
  if (op.headerParams.length) sites.push(['header', 0.8]);
  if (json !== undefined) sites.push(['field', 5]);
  sites.push(['body', op.body ? 2 : 0.7]);
  if (valid) sites.push(['content-type', 0.8]);
  sites.push(['credential', 0.5]);
  const site = rng.weighted(sites);

  let mutation = 'valid';
  /** Set when the request carries its own (malformed) credentials instead of the caller's. */
  let replacesCaller = false;
  let where = 'valid';
  switch (site) {
    case 'path': {
      const param = rng.pick(op.pathParams);
      const m = choose(rng, pathValueMutations({ name: param.name, valid: pathValues[param.name], fx }, rng));
      pathValues[param.name] = m.value;
      ({ mutation } = m);
      where = `path:${param.name}`;
      break;
    }
    case 'query': {
      const param = rng.pick(op.queryParams);
      const m = choose(rng, queryValueMutations({ name: param.name, fx }, rng));
      const i = query.findIndex(([n]) => n === param.name);
      if (i >= 0) query.splice(i, 1);
      query.push([param.name, m.value]);
      ({ mutation } = m);
      where = `query:${param.name}`;
      break;
    }
    case 'header': {
      const param = rng.pick(op.headerParams);
      const m = choose(rng, headerValueMutations({ valid: headers[param.name] }, rng));
      headers[param.name] = m.value;
      ({ mutation } = m);
      where = `header:${param.name}`;
      break;
    }
    case 'field': {
      const paths = fieldPaths(doc, op.body.schema, json);
      const path = paths.length ? rng.pick(paths) : ['a'];
      const name = [...path].reverse().find((k) => typeof k === 'string');
      const m = choose(rng, bodyValueMutations({ name, schema: schemaAt(doc, op.body.schema, path), fx }, rng));
      if (json === null || typeof json !== 'object') json = {};
      setAt(json, path, m.value);
      ({ mutation } = m);
      where = `body:${pathName(path)}`;
      break;
    }
    case 'body': {
      const validText = bodyText ?? (json !== undefined ? serializeBody(json) : undefined);
      const m = choose(rng, bodyLevelMutations({ validText }, rng));
      json = undefined;
      bodyText = m.value;
      contentType ??= op.scim ? 'application/scim+json' : 'application/json';
      ({ mutation } = m);
      where = 'body';
      break;
    }
    case 'content-type': {
      const m = choose(rng, contentTypeMutations({}, rng));
      contentType = m.value;
      mutation = `content-type:${m.value === null ? 'none' : m.value || 'empty'}`;
      where = 'content-type';
      break;
    }
    case 'credential': {
      const m = choose(rng, credentialMutations({ scim: op.scim }, rng));
      Object.assign(headers, m.value.headers ?? {});
      if (m.value.query) query.push(['credential', m.value.query]);
      ({ mutation } = m);
      replacesCaller = true;
      where = 'credential';
      break;
    }
    default:
      break;
  }
  if (json !== undefined) bodyText = serializeBody(json);
  if (bodyText !== undefined && contentType !== null && contentType !== undefined)
    headers['Content-Type'] = contentType;

  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name) => pathValues[name] ?? 'x');
  const search = query.map(([, text]) => text).join('&');
  return {
    method: op.method,
    path: search ? `${path}?${search}` : path,
    template: op.path,
    opKey: op.key,
    headers,
    body: bodyText,
    mutation,
    site: where,
    pathValues,
    replacesCaller,
  };
}
