import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { internalError } from '../../common/errors.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { parseProxyToken, PROXY_TOKEN_HEADER, proxySecretMatches } from './proxy-token.js';
import { PROXY_MESSAGES, proxyTokenInvalid, proxyTokenMissing } from './workspace-proxies.errors.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';

type ProxyRequest = Request & { workspaceProxy?: WorkspaceProxyEntity };

/**
 * Authenticates an external proxy by `Coder-External-Proxy-Token` (Coder's ExtractWorkspaceProxy),
 * then checks the `workspace_proxy` entitlement: 401 before 403, so a caller without a valid token
 * never learns the license state. The token never appears in an answer or a log line.
 */
@Injectable()
export class ProxyTokenGuard implements CanActivate {
  constructor(
    private readonly repo: WorkspaceProxiesRepository,
    private readonly entitlements: EntitlementsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ProxyRequest>();
    const raw = req.headers[PROXY_TOKEN_HEADER.toLowerCase()];
    if (typeof raw !== 'string' || raw === '') throw proxyTokenMissing();
    const token = parseProxyToken(raw);
    if (!token) throw proxyTokenInvalid();
    // Proxy ids are not secret, so answering "not found" faster than "wrong secret" leaks nothing.
    const proxy = await this.repo.getWorkspaceProxyById(token.proxyId);
    if (!proxy) throw proxyTokenInvalid(PROXY_MESSAGES.proxyNotFound);
    if (proxy.deleted) throw proxyTokenInvalid(PROXY_MESSAGES.proxyDeleted);
    if (!proxySecretMatches(proxy.tokenHashedSecret, token.secret)) throw proxyTokenInvalid(PROXY_MESSAGES.badSecret);
    this.entitlements.requireFeature('workspace_proxy');
    req.workspaceProxy = proxy;
    return true;
  }
}

/** The proxy the ProxyTokenGuard authenticated. */
export const CurrentProxy = createParamDecorator((_: unknown, ctx: ExecutionContext): WorkspaceProxyEntity => {
  const proxy = ctx.switchToHttp().getRequest<ProxyRequest>().workspaceProxy;
  // Only a route without ProxyTokenGuard has no proxy: a wiring bug (a logged 500).
  if (!proxy) throw internalError('CurrentProxy used on a route without ProxyTokenGuard');
  return proxy;
});
