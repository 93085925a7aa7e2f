import { readTar } from './tar.js';

/** A resource in an echo template: what a plan creates and what it costs per day. */
export interface EchoResource {
  name: string;
  type: string;
  daily_cost: number;
  icon?: string;
  hide?: boolean;
  instance_type?: string;
}

/** The echo template (docs/provisioner-protocol.md §6): resources while started, while stopped, logs, and an optional failure. */
export interface EchoTemplate {
  resources: EchoResource[];
  stop_resources: EchoResource[];
  logs: string[];
  fail: string | null;
}

export class EchoTemplateError extends Error {}

const MAX_RESOURCES = 100;
const MAX_LOGS = 1000;

function resourceList(value: unknown, field: string): EchoResource[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new EchoTemplateError(`${field} must be an array`);
  if (value.length > MAX_RESOURCES) throw new EchoTemplateError(`${field} has more than ${MAX_RESOURCES} resources`);
  return value.map((r: unknown, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r))
      throw new EchoTemplateError(`${field}[${i}] must be an object`);
    const { name, type, daily_cost: cost, icon, hide, instance_type: instanceType } = r as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || name.length > 256)
      throw new EchoTemplateError(`${field}[${i}].name must be a non-empty string`);
    if (typeof type !== 'string' || type === '' || type.length > 256)
      throw new EchoTemplateError(`${field}[${i}].type must be a non-empty string`);
    const dailyCost = cost ?? 0;
    if (!Number.isInteger(dailyCost) || (dailyCost as number) < 0 || (dailyCost as number) > 1_000_000) {
      throw new EchoTemplateError(`${field}[${i}].daily_cost must be an integer between 0 and 1000000`);
    }
    return {
      name,
      type,
      daily_cost: dailyCost as number,
      icon: typeof icon === 'string' ? icon : undefined,
      hide: hide === true,
      instance_type: typeof instanceType === 'string' ? instanceType : undefined,
    };
  });
}

/** Parses an echo template from the uploaded file: JSON, or a tar holding `echo.json`. */
export function parseEchoTemplate(data: Buffer, mimetype: string): EchoTemplate {
  let text: string;
  if (mimetype === 'application/json' || data.subarray(0, 1).toString() === '{') {
    text = data.toString('utf8');
  } else {
    let files: Map<string, Buffer>;
    try {
      files = readTar(data);
    } catch (err) {
      throw new EchoTemplateError(`the template file is not a valid tar archive: ${(err as Error).message}`);
    }
    const file = files.get('echo.json');
    if (!file) throw new EchoTemplateError('the template archive has no echo.json');
    text = file.toString('utf8');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new EchoTemplateError('echo.json is not valid JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new EchoTemplateError('echo.json must be a JSON object');
  const { resources, stop_resources: stopResources, logs, fail } = doc as Record<string, unknown>;
  if (logs !== undefined && (!Array.isArray(logs) || logs.some((l) => typeof l !== 'string'))) {
    throw new EchoTemplateError('logs must be an array of strings');
  }
  if (fail !== undefined && fail !== null && typeof fail !== 'string')
    throw new EchoTemplateError('fail must be a string or null');
  return {
    resources: resourceList(resources, 'resources'),
    stop_resources: resourceList(stopResources, 'stop_resources'),
    logs: ((logs as string[] | undefined) ?? []).slice(0, MAX_LOGS),
    fail: fail || null,
  };
}

/** The resources a job produces: import and start → `resources`, stop → `stop_resources`, delete → none. */
export function plannedResources(
  template: EchoTemplate,
  transition: 'import' | 'start' | 'stop' | 'delete',
): EchoResource[] {
  if (transition === 'delete') return [];
  return transition === 'stop' ? template.stop_resources : template.resources;
}

export function totalDailyCost(resources: EchoResource[]): number {
  return resources.reduce((sum, r) => sum + r.daily_cost, 0);
}
