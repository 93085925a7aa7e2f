import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { featureNiceName } from '../../core/licensing/features.js';
import { DAEMON_MESSAGES } from '../../enterprise/provisioner-daemons/provisioner-daemons.errors.js';
import {
  invalidFilter,
  preconditionFailed,
  ScimError,
  scimNotFound,
  uniqueness,
} from '../../enterprise/scim/http/scim.errors.js';
import { MESSAGES } from '../errors.js';
import { namedMessages, plainText, polishDocument, TAG_ORDER } from './swagger-document.js';
import { ERROR_EXAMPLES, SCIM_ERROR_EXAMPLES } from './swagger-examples.js';

const envelope = (description: string): ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } },
});
const scim = (description: string): ResponseObject => ({
  description,
  content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimErrorDto' } } },
});

function op(overrides: Partial<OperationObject>): OperationObject {
  return { responses: { '200': { description: '' } }, ...overrides };
}

function documentWith(paths: OpenAPIObject['paths']): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths };
}

const media = (o: OperationObject, status: string) =>
  Object.values((o.responses[status] as ResponseObject).content ?? {})[0];

describe('polishDocument', () => {
  it('lists a handler served at two mounts once, under /api/v2, with its plain operation id', () => {
    const scimOp = (id: string) => op({ operationId: id, tags: ['SCIM'], description: 'List users.' });
    const doc = polishDocument(
      documentWith({
        '/scim/v2/Users': { get: scimOp('Users_list[0]') },
        '/api/v2/scim/v2/Users': { get: scimOp('Users_list[1]') },
        '/api/v2/users': { get: op({ operationId: 'UsersController_list', tags: ['Users'] }) },
      }),
    );
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v2/scim/v2/Users', '/api/v2/users']);
    const kept = doc.paths['/api/v2/scim/v2/Users'].get!;
    expect(kept.operationId).toBe('Users_list');
    expect(kept.description).toBe('List users.\n\nAlso served at `/scim/v2/Users`.');
  });

  it("orders tags as Coder's API reference does, unknown tags last", () => {
    const tagged = (...tags: string[]) => ({ get: op({ tags }) });
    const doc = polishDocument(
      documentWith({
        '/a': tagged('Workspaces'),
        '/b': tagged('Zebra', 'SCIM'),
        '/c': tagged('Users', 'General'),
        '/d': tagged('Enterprise', 'Audit'),
        '/e': tagged('Alpaca'),
      }),
    );
    expect(doc.tags!.map((t) => t.name)).toEqual([
      'General',
      'Audit',
      'Enterprise',
      'SCIM',
      'Users',
      'Workspaces',
      'Alpaca',
      'Zebra',
    ]);
    expect(doc.tags!.find((t) => t.name === 'SCIM')!.description).toContain('`/scim/v2`');
    expect(TAG_ORDER[0]).toBe('General');
  });

  it('turns summaries into plain text and leaves descriptions alone', () => {
    const doc = polishDocument(
      documentWith({
        '/x': { get: op({ summary: 'Get `a` and **b**, see [docs](https://x.y)', description: 'Uses `a`.' }) },
      }),
    );
    expect(doc.paths['/x'].get!.summary).toBe('Get a and b, see docs');
    expect(doc.paths['/x'].get!.description).toBe('Uses `a`.');
    expect(plainText('Get proxies: `{regions: [primary, ...proxies]}`')).toBe(
      'Get proxies: {regions: [primary, ...proxies]}',
    );
  });

  it('gives every response a description', () => {
    const doc = polishDocument(
      documentWith({
        '/x': {
          post: op({
            responses: {
              '201': { description: '' },
              '204': { description: '' },
              '503': envelope(''),
              '299': { description: '' },
            },
          }),
        },
      }),
    );
    const descriptions = Object.values(doc.paths['/x'].post!.responses).map((r) => (r as ResponseObject).description);
    expect(descriptions).toEqual(['Created', 'No Content', 'Response', 'Service Unavailable']);
  });

  it('gives each error status its own example', () => {
    const statuses = ['400', '401', '403', '404', '409', '429'];
    const doc = polishDocument(
      documentWith({
        '/x': { get: op({ responses: Object.fromEntries(statuses.map((s) => [s, envelope('Plain words.')])) }) },
      }),
    );
    const examples = statuses.map((s) => media(doc.paths['/x'].get!, s).example);
    expect(examples).toEqual(statuses.map((s) => ERROR_EXAMPLES[Number(s)].value));
    expect(new Set(examples.map((e) => JSON.stringify(e))).size).toBe(statuses.length);
    expect(examples[0].validations).toHaveLength(1);
    expect(examples[3]).toEqual({ message: MESSAGES.notFound });
  });

  it("uses the messages a description names, keeping Forbidden. beside an entitlement's 403", () => {
    const gate = 'Template RBAC is an Enterprise feature. Contact sales!';
    const doc = polishDocument(
      documentWith({
        '/x': {
          get: op({
            security: [{ CoderSessionToken: [] }],
            responses: {
              '400': envelope(
                'Bad `limit` (`Query parameters have invalid values.`) or `q` (`Invalid audit search query.`).',
              ),
              '401': envelope('`Missing required external proxy token` or `Invalid external proxy token`.'),
              '403': envelope(`When not entitled: \`${gate}\``),
              '409': envelope('Taken (`Organization already exists with that name.`).'),
            },
          }),
        },
      }),
    );
    const o = doc.paths['/x'].get!;
    const values = (status: string) =>
      Object.values(media(o, status).examples ?? {}).map((e) => (e as { value: unknown }).value);
    expect(values('400')).toEqual([
      { message: MESSAGES.invalidQuery, validations: [expect.objectContaining({ field: 'limit' })] },
      { message: 'Invalid audit search query.' },
    ]);
    expect(values('401')).toEqual([
      { message: 'Missing required external proxy token' },
      { message: 'Invalid external proxy token' },
    ]);
    expect(values('403')).toEqual([{ message: MESSAGES.forbidden }, { message: gate }]);
    expect(media(o, '409').example).toEqual({ message: 'Organization already exists with that name.' });
  });

  it("gives a public route's 403 only the messages it names", () => {
    const wrongType = 'Incorrect login type, attempting to use "password" but user is of login type "oidc"';
    const doc = polishDocument(
      documentWith({
        '/login': { post: op({ responses: { '403': envelope(`Signs in another way: \`${wrongType}\``) } }) },
        '/serve': {
          get: op({
            responses: {
              '403': envelope('Not entitled (`X is an Enterprise feature. Contact sales!`), or not allowed.'),
            },
          }),
        },
      }),
    );
    expect(media(doc.paths['/login'].post!, '403').example).toEqual({ message: wrongType });
    const serve = Object.values(media(doc.paths['/serve'].get!, '403').examples!).map(
      (e) => (e as { value: unknown }).value,
    );
    expect(serve).toEqual([{ message: MESSAGES.forbidden }, { message: 'X is an Enterprise feature. Contact sales!' }]);
  });

  it('answers SCIM routes with SCIM error examples and keeps examples a controller gave', () => {
    const given = envelope('Mine.');
    given.content!['application/json'].example = { message: 'Given.' };
    const doc = polishDocument(
      documentWith({
        '/x': { get: op({ responses: { '404': scim('Unknown (`Route not found.` otherwise).'), '409': given } }) },
      }),
    );
    expect(media(doc.paths['/x'].get!, '404').example).toEqual(SCIM_ERROR_EXAMPLES[404].value);
    expect(media(doc.paths['/x'].get!, '409').example).toEqual({ message: 'Given.' });
  });

  it('does not change the document it is given', () => {
    const source = documentWith({ '/x': { get: op({ summary: '`a`' }) } });
    polishDocument(source);
    expect(source.paths['/x'].get!.summary).toBe('`a`');
  });
});

describe('namedMessages', () => {
  it('picks sentences in backticks, not field names', () => {
    expect(namedMessages('`uniqueness`: the `userName` or `Missing required external proxy token`.')).toEqual([
      'Missing required external proxy token',
    ]);
    expect(namedMessages('`Forbidden.`, `User`, `CODER_EXPERIMENTS=*`, `Retry-After: N`')).toEqual(['Forbidden.']);
  });
});

describe('error examples match what the server sends', () => {
  it('SCIM', () => {
    expect(SCIM_ERROR_EXAMPLES[400].value).toEqual(invalidFilter('filter must be given once, as a string.').body);
    expect(SCIM_ERROR_EXAMPLES[403].value).toEqual(
      new ScimError(403, undefined, `${featureNiceName('scim')} is an Enterprise feature. Contact sales!`).body,
    );
    expect(SCIM_ERROR_EXAMPLES[404].value).toEqual(scimNotFound().body);
    expect(SCIM_ERROR_EXAMPLES[409].value).toEqual(
      uniqueness('The userName or email is already taken by another user.').body,
    );
    expect(SCIM_ERROR_EXAMPLES[412].value).toEqual(preconditionFailed().body);
  });

  it('the provisioner daemon upgrade', () => {
    expect(ERROR_EXAMPLES[426].value.message).toBe(DAEMON_MESSAGES.websocketOnly);
  });
});
