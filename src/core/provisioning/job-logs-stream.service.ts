import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { forbidden, MESSAGES } from '../../common/errors.js';
import { decodeSegment, upgradeAuthRequest, upgradeRefusal, UpgradeRouter } from '../../common/http/upgrade.js';
import { AuthService } from '../auth/auth.service.js';
import { APP_CONNECT_ONLY } from '../access/authorization.guard.js';
import { ParamResolvers } from '../access/resolved-params.js';
import { FailedAuthLimiter } from '../auth/failed-auth-limiter.js';
import { extractSessionToken } from '../auth/token-source.js';
import type { Actor } from '../rbac/actor.js';
import { PubSub } from '../../database/pubsub/pubsub.js';
import { toLogResponse } from './dto/job.dto.js';
import { JOB_LOGS_CHANNEL } from './job-logs-channel.js';
import { JobsRepository } from './jobs.repository.js';
import {
  afterNotInteger,
  beforeWithFollow,
  followRequired,
  tooManyLogStreams,
  upgradeMethodNotAllowed,
} from './provisioning.errors.js';

/** Notifications only wake streams early; each stream also re-reads at this interval, so none can be missed. */
const FALLBACK_POLL_MS = 1000;
const PING_INTERVAL_MS = 15_000;
const PAGE = 1000;
/** Bounds on open streams (each holds a socket and reads the database while its job runs). */
export const MAX_STREAMS = 500;
export const MAX_STREAMS_PER_USER = 20;

/** A logs route: the path parameter its pattern captures, and the job of the object it loads. */
export interface LogsRoute<T> {
  pattern: RegExp;
  /** The registered path parameter (src/core/access/resolved-params.ts) the first group holds. */
  param: string;
  jobOf: (loaded: T) => string;
}

/**
 * `GET …/logs?follow` as Coder serves it to codersdk and the Terraform provider: a WebSocket
 * that first sends the job's logs after `after`, then each new one as it is written, one JSON
 * `ProvisionerJobLog` per text message, and closes normally (1000) once the job has completed
 * and every log was sent. Authentication and access run on the upgrade request, before any
 * socket exists, and are refused as ordinary JSON answers.
 */
@Injectable()
export class JobLogsStreamService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobLogs');
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096 });
  /** job id → wake-up functions of the streams following it on this replica. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly perUser = new Map<string, number>();
  private readonly sockets = new Set<WebSocket>();
  private unsubscribe: (() => void) | undefined;
  private readonly routes: (() => void)[] = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly jobs: JobsRepository,
    private readonly pubsub: PubSub,
    private readonly auth: AuthService,
    private readonly failures: FailedAuthLimiter,
    private readonly params: ParamResolvers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(JOB_LOGS_CHANNEL, (jobId) => {
      // After a reconnect (null) anything may have been missed: wake every stream.
      const targets = jobId === null ? [...this.waiters.values()] : [this.waiters.get(jobId) ?? new Set()];
      for (const set of targets) for (const wake of set) wake();
    });
  }

  beforeApplicationShutdown(): void {
    for (const remove of this.routes) remove();
    this.unsubscribe?.();
    for (const ws of this.sockets) ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  /**
   * Serves WebSocket upgrades of a logs route. The upgrade passes no guard, so the path parameter
   * is loaded here, by the resolver the HTTP route's guard uses (same 400/404, same visibility).
   * Called by the gateways of the routes at bootstrap.
   */
  route<T>(route: LogsRoute<T>): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const jobOf = async (actor: Actor, value: string, query: URLSearchParams) =>
      route.jobOf((await this.params.load(route.param, value, actor, { query: Object.fromEntries(query) })) as T);
    this.routes.push(
      UpgradeRouter.of(server).add(route.pattern, (req, socket, head, url, match) =>
        this.accept(req, socket, head, url, decodeSegment(match[1]), jobOf),
      ),
    );
  }

  /** Handles an upgrade of a logs route: every check, then the stream. Throws the ApiError to refuse with. */
  async accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    param: string,
    jobOf: (actor: Actor, value: string, query: URLSearchParams) => Promise<string>,
  ): Promise<void> {
    if (req.method !== 'GET') throw upgradeMethodNotAllowed();
    const authRequest = upgradeAuthRequest(req.headers, url.searchParams, req.socket.remoteAddress);
    const result = await this.auth.authenticate(authRequest);
    if (result.error) {
      // Upgrades skip the API rate limiter: a presented wrong token counts as a guess.
      if (result.error.getStatus() === 401 && extractSessionToken(authRequest) !== undefined) {
        await this.failures.rejected('session_token', req.socket.remoteAddress, result.error);
      }
      throw result.error;
    }
    const actor = result.actor;
    if (actor.apiKeyScope !== 'all') throw forbidden(MESSAGES.forbidden, APP_CONNECT_ONLY);
    const after = parseFollowQuery(url.searchParams);
    const jobId = await jobOf(actor, param, url.searchParams);
    const refusal = upgradeRefusal(req);
    if (refusal) throw refusal;
    const open = this.perUser.get(actor.id) ?? 0;
    if (this.sockets.size >= MAX_STREAMS || open >= MAX_STREAMS_PER_USER) {
      throw tooManyLogStreams();
    }
    if (socket.destroyed) return;
    this.perUser.set(actor.id, open + 1);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      void this.stream(ws, jobId, after).finally(() => {
        this.sockets.delete(ws);
        const left = (this.perUser.get(actor.id) ?? 1) - 1;
        if (left > 0) this.perUser.set(actor.id, left);
        else this.perUser.delete(actor.id);
      });
    });
  }

  private async stream(ws: WebSocket, jobId: string, after: string): Promise<void> {
    let cursor = after;
    let closed = false;
    let wake: () => void = () => undefined;
    // A notification that arrives while the stream is reading makes it read again at once.
    let pending = false;
    const listeners = this.waiters.get(jobId) ?? new Set<() => void>();
    this.waiters.set(jobId, listeners);
    const onWake = () => {
      pending = true;
      wake();
    };
    listeners.add(onWake);
    let alive = true;
    ws.on('pong', () => (alive = true));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      closed = true;
      wake();
    });
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, PING_INTERVAL_MS);
    ping.unref();
    try {
      while (!closed) {
        pending = false;
        // Completion first: a job's logs are committed no later than its completion, so a job seen
        // complete here has all its logs in the read below.
        const job = await this.jobs.getJob(jobId);
        const logs = await this.jobs.listLogs(jobId, cursor, PAGE);
        for (const log of logs) {
          if (closed) return;
          ws.send(JSON.stringify(toLogResponse(log)));
          cursor = String(log.id);
        }
        if (logs.length === PAGE) continue;
        if (!job || job.completedAt) {
          ws.close(1000, 'done');
          return;
        }
        if (pending) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => resolve(), FALLBACK_POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } catch (err) {
      this.logger.warn(`log stream of job ${jobId} ended: ${(err as Error).message}`);
      if (!closed) ws.close(1011, 'failed to read logs');
    } finally {
      clearInterval(ping);
      listeners.delete(onWake);
      if (listeners.size === 0) this.waiters.delete(jobId);
    }
  }
}

/** `after` of a follow request (`before` cannot be combined with following, as in Coder). */
export function parseFollowQuery(params: URLSearchParams): string {
  if (!params.has('follow')) throw followRequired();
  if ((params.get('before') ?? '') !== '') throw beforeWithFollow();
  const raw = params.get('after') ?? '';
  if (raw === '') return '0';
  if (!/^-?\d{1,18}$/.test(raw)) throw afterNotInteger();
  return String(BigInt(raw) < 0n ? 0n : BigInt(raw));
}
