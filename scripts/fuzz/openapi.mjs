// Reads the server's own OpenAPI document (GET /swagger/doc.json) into the list of operations the
// fuzzer drives: method, path template, parameters and the request body schema, with $refs resolved.

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
export const SCIM_PATH = /^\/(api\/v2\/)?scim\/v2(\/|$|\?)/i;

/** Resolves `$ref` and single-entry `allOf` wrappers (how @nestjs/swagger writes a nested DTO). */
export function resolveSchema(doc, schema, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 8) return schema ?? {};
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop();
    return resolveSchema(doc, doc.components?.schemas?.[name] ?? {}, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    const { allOf, ...rest } = schema;
    return { ...resolveSchema(doc, allOf[0], depth + 1), ...rest };
  }
  return schema;
}

/** `{ name: schema }` of an object schema's properties, each resolved. */
export function propertiesOf(doc, schema) {
  const s = resolveSchema(doc, schema);
  return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, resolveSchema(doc, v)]));
}

/** Every operation of the document, in document order. */
export function listOperations(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => ({
        name: p.name,
        in: p.in,
        required: Boolean(p.required),
        schema: resolveSchema(doc, p.schema ?? { type: 'string' }),
      }));
      const content = op.requestBody?.content ?? {};
      const contentTypes = Object.keys(content);
      const bodyType = contentTypes.find((t) => t === 'application/json') ?? contentTypes[0];
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        scim: SCIM_PATH.test(path),
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        // The SCIM Authorization header is the caller's identity, not a field to fuzz here.
        headerParams: parameters.filter((p) => p.in === 'header' && p.name.toLowerCase() !== 'authorization'),
        body: bodyType
          ? { contentType: bodyType, contentTypes, schema: resolveSchema(doc, content[bodyType].schema) }
          : undefined,
      });
    }
  }
  return ops;
}

/**
 * The operation's key with the SCIM mount folded (`/api/v2/scim/v2/Users` → `/scim/v2/Users`):
 * both mounts serve the same handlers, so they share valid requests.
 */
export function canonicalKey(op) {
  return `${op.method} ${op.path.replace(/^\/api\/v2\/scim\/v2/, '/scim/v2')}`;
}
