// Types for the TypeScript callers (the CI fuzz pass and the generator's unit tests).

export interface FuzzOperation {
  key: string;
  method: string;
  path: string;
  operationId?: string;
  scim: boolean;
  pathParams: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  queryParams: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  headerParams: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  body?: { contentType: string; contentTypes: string[]; schema: Record<string, unknown> };
}

export interface FuzzRequest {
  method: string;
  /** The path with its query string, as sent. */
  path: string;
  template: string;
  opKey: string;
  headers: Record<string, string>;
  body: string | undefined;
  mutation: string;
  site: string;
  pathValues: Record<string, string>;
  /** The request carries its own (malformed) credentials instead of the caller's. */
  replacesCaller: boolean;
}

export interface FuzzAnswer {
  status: number;
  text?: string;
  ms: number;
  error?: { code: string; message: string };
}

export interface Violation {
  invariant: string;
  detail: string;
  method?: string;
  template?: string;
  mutation?: string;
  site?: string;
  caller?: string;
  status?: number;
  ms?: number;
  excerpt?: string;
}

export interface FuzzReport {
  seed: number;
  perOp: number;
  callers: 'all' | 'rotate';
  operations: number;
  sent: number;
  skipped: Record<string, number>;
  classes: Record<string, number>;
  counts: Record<string, number>;
  violations: Map<string, Violation & { times: number }>;
  mutations: Record<string, number>;
  perOperation: Record<string, number>;
  msByMutation: Record<string, number>;
  healMs: number;
  healed: Record<string, number>;
  schemaOnlyBodies: string[];
  slowestOps: [string, number][];
  slowOnce: string[];
  startedAt: number;
  finishedAt: number;
}

export interface FuzzOptions {
  baseUrl: string;
  seed: number;
  perOp: number;
  /** all: every request as each caller; rotate: one caller per request, chosen by the seed. */
  callers?: 'all' | 'rotate';
  concurrency?: number;
  /** A license JWT granting every feature, signed by a key the server trusts. */
  issueLicense: () => Promise<string>;
  scimKey: string;
  psk?: string;
  only?: (op: FuzzOperation) => boolean;
  log?: (line: string) => void;
  onProgress?: (report: FuzzReport) => void;
}

export interface FixtureView {
  owner: { id: string; username: string; token: string };
  member: { id: string; token: string };
  target: { id: string; username: string };
  licenseJwt?: string;
  scimUserId?: string;
  uniq(prefix: string): string;
  allIds(): string[];
  [name: string]: unknown;
}

export declare const INVARIANTS: string[];
export declare const SLOW_MS: number;
export declare const NIL_UUID: string;
export declare const HUGE: number;
export declare const DEEP_SHALLOW: number;
export declare const DEEP_EXTREME: number;
export declare const BAD_CRONS: string[];
export declare const BAD_JWTS: string[];
export declare const BAD_SCIM_FILTERS: string[];

export declare function runFuzz(options: FuzzOptions): Promise<FuzzReport>;
export declare function formatReport(report: FuzzReport): string;
export declare function addViolation(report: FuzzReport, violation: Violation): void;
export declare function violationCount(report: FuzzReport): number;
export declare function listOperations(doc: unknown): FuzzOperation[];
export declare function generateRequest(doc: unknown, op: FuzzOperation, fx: FixtureView, rng: Rng): FuzzRequest;
export declare function checkAnswer(path: string, answer: FuzzAnswer): { invariant: string; detail: string }[];
export declare function excerpt(text: string | undefined, secrets?: string[], max?: number): string;
export declare function hashSeed(seed: number, text: string): number;

export declare class Rng {
  constructor(seed: number);
  next(): number;
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  uuid(): string;
}
