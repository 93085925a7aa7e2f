import { badRequest } from '../../common/errors.js';

export const badFileId = () => badRequest('File id must be a valid UUID.');

export const unsupportedContentType = (type: string, allowed: readonly string[]) =>
  badRequest(`Unsupported content type header ${JSON.stringify(type)}.`, `Use one of: ${allowed.join(', ')}.`);
