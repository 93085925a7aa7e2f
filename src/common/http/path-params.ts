import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject } from '@nestjs/swagger';

type ParamDoc = Pick<ParameterObject, 'description' | 'schema' | 'example'>;

const UUID = { type: 'string', format: 'uuid' } as const;
const TEXT = { type: 'string' } as const;

/**
 * Every path parameter of the API, described once. Swagger gets these from here, so handlers do
 * not repeat `@ApiParam`; a route whose parameter means something else names it in `Route({params})`.
 */
export const PATH_PARAMS: Record<string, ParamDoc> = {
  organization: { description: 'Organization ID, name, or `default`', schema: TEXT },
  organizationname: { description: 'Organization name', schema: TEXT },
  user: { description: 'User ID, username, or `me`', schema: TEXT },
  group: { description: 'Group ID, or a group name in one of your organizations', schema: TEXT },
  groupName: { description: 'Group name', schema: TEXT },
  template: { description: 'Template ID', schema: UUID },
  templatename: { description: 'Template name', schema: TEXT },
  templateversion: { description: 'Template version ID', schema: UUID },
  templateversionname: { description: 'Template version name', schema: TEXT },
  workspace: { description: 'Workspace ID', schema: UUID },
  workspacename: { description: 'Workspace name', schema: TEXT },
  workspacebuild: { description: 'Workspace build ID', schema: UUID },
  workspaceproxy: {
    description: 'Proxy ID, proxy name, `primary` or the deployment ID (the primary region)',
    schema: TEXT,
  },
  replica: { description: 'Replica ID', schema: UUID },
  fileID: { description: 'File ID', schema: UUID },
  keyid: { description: 'API key ID', schema: TEXT },
  keyname: { description: 'API key name', schema: TEXT },
  job: { description: 'Provisioner job ID', schema: UUID },
};

/** Adds the shared description and schema to every path parameter that lacks its own. */
export function describePathParams(doc: OpenAPIObject): void {
  for (const [path, item] of Object.entries(doc.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (names.length === 0) continue;
    for (const op of Object.values(item) as OperationObject[]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      op.parameters ??= [];
      for (const name of names) describe(op.parameters, name);
    }
  }
}

function describe(parameters: (ParameterObject | ReferenceObject)[], name: string): void {
  const shared = PATH_PARAMS[name];
  let param = parameters.find((p): p is ParameterObject => !('$ref' in p) && p.in === 'path' && p.name === name);
  if (!param) {
    param = { name, in: 'path', required: true, schema: { type: 'string' } };
    parameters.push(param);
  }
  if (!shared) return;
  param.description ??= shared.description;
  if (shared.example !== undefined) param.example ??= shared.example;
  const schema = param.schema as { type?: string; format?: string } | undefined;
  if (!schema || (schema.type === 'string' && !schema.format)) param.schema = shared.schema;
}
