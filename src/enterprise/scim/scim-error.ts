import { HttpException } from '@nestjs/common';
import { SCHEMA } from './scim.constants.js';

/** RFC 7644 §3.12 `scimType` values. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** RFC 7644 §3.12 error body; `status` is a string there (CONTRACT §4a). */
export interface ScimErrorBody {
  schemas: [typeof SCHEMA.error];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

/** An error answered in the SCIM error schema (by ScimExceptionFilter). */
export class ScimError extends HttpException {
  constructor(
    status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }

  get body(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCHEMA.error], status: String(this.getStatus()) };
    if (this.scimType) body.scimType = this.scimType;
    if (this.detail) body.detail = this.detail;
    return body;
  }
}

export const invalidSyntax = (detail: string) => new ScimError(400, 'invalidSyntax', detail);
export const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);
export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const invalidPath = (detail: string) => new ScimError(400, 'invalidPath', detail);
export const noTarget = (detail: string) => new ScimError(400, 'noTarget', detail);
export const mutability = (detail: string) => new ScimError(400, 'mutability', detail);
export const uniqueness = (detail: string) => new ScimError(409, 'uniqueness', detail);
export const scimNotFound = (detail = 'Resource not found.') => new ScimError(404, undefined, detail);
export const preconditionFailed = () =>
  new ScimError(412, undefined, 'The resource has changed since the version given in If-Match.');

/** A short, safe description of a client value for an error detail (never the whole value). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (typeof value === 'object') return 'an object';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were answered above; what is left is a primitive
  return String(value);
}
