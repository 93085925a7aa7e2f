/** The OpenAPI security scheme of the `Coder-Session-Token` header (declared in swagger.ts, used by @Authenticated). */
export const SESSION_SECURITY = 'CoderSessionToken';
