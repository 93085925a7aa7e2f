/**
 * A JSON body as tests read it: `any` on purpose, like supertest's `res.body`; the assertions are
 * what check its shape (which is why the no-unsafe-* rules are off for tests).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;
export type JsonObject = Record<string, Json>;
