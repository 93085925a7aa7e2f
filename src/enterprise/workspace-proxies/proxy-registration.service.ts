import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { badRequest, conflict, notFound, unauthorized } from '../../common/errors.js';
import { NIL_UUID } from '../../core/audit/audit.service.js';
import { SiteConfigService } from '../../core/site-config/site-config.service.js';
import { toReplicaResponse } from '../replicas/dto/replica.dto.js';
import { ReplicasService } from '../replicas/replicas.service.js';
import type {
  DeregisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyResponse,
} from './dto/proxy-registration.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { PROXY_MESSAGES } from './messages.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { hostnamePatternError, normaliseProxyUrl, proxyUrlError } from './proxy-urls.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';

/** Coder numbers proxy DERP regions from 10000 (its own region is 999). */
export const PROXY_REGION_BASE = 10_000;

/**
 * The proxy-facing side (`/workspaceproxies/me/...`): a proxy reports its URLs and replicas, and
 * says when a replica goes away. When the last live replica of a proxy deregisters, the proxy's
 * URLs are forgotten, so it shows `unregistered` until it registers again.
 */
@Injectable()
export class ProxyRegistrationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: WorkspaceProxiesRepository,
    private readonly replicas: ReplicasService,
    private readonly health: ProxyHealthService,
    private readonly siteConfig: SiteConfigService,
  ) {}

  async register(proxy: WorkspaceProxyEntity, body: RegisterWorkspaceProxyRequest): Promise<RegisterWorkspaceProxyResponse> {
    const accessUrl = body.access_url ?? '';
    const urlError = proxyUrlError(accessUrl);
    if (urlError) throw badRequest(PROXY_MESSAGES.badUrl, urlError);
    const wildcard = body.wildcard_hostname ?? '';
    const wildcardError = wildcard === '' ? null : hostnamePatternError(wildcard);
    if (wildcardError) throw badRequest(PROXY_MESSAGES.badWildcard, wildcardError);
    if (body.replica_id === NIL_UUID) throw badRequest(PROXY_MESSAGES.badReplicaId);
    const derpEnabled = body.derp_enabled ?? false;
    if (body.derp_only && !derpEnabled) throw badRequest(PROXY_MESSAGES.derpOnly);
    const regionId = PROXY_REGION_BASE + proxy.regionId;
    const replicaId = body.replica_id?.toLowerCase();

    const siblings = await this.db.transaction(async (manager) => {
      const current = await this.repo.lockWorkspaceProxy(manager, proxy.id);
      if (!current || current.deleted) throw unauthorized(PROXY_MESSAGES.invalidToken, PROXY_MESSAGES.proxyDeleted);
      await this.repo.registerWorkspaceProxy(manager, proxy.id, {
        url: normaliseProxyUrl(accessUrl),
        wildcardHostname: wildcard,
        derpEnabled,
        derpOnly: body.derp_only ?? false,
        version: body.version ?? '',
      });
      if (replicaId) {
        const existing = await this.replicas.getReplica(replicaId, manager);
        // A proxy may only refresh its own replicas, never a server's or another proxy's row.
        if (existing && (existing.primary || existing.regionId !== regionId)) throw conflict(PROXY_MESSAGES.replicaTaken(replicaId));
        if (existing?.stoppedAt) throw conflict(PROXY_MESSAGES.replicaStopped(replicaId));
        await this.replicas.recordProxyReplica(
          {
            id: replicaId,
            hostname: body.hostname ?? '',
            regionId,
            relayAddress: body.replica_relay_address ?? '',
            version: body.version ?? '',
            error: body.replica_error ?? '',
          },
          manager,
        );
      }
      return (await this.replicas.liveProxyReplicas(regionId, manager)).filter((replica) => replica.id !== replicaId);
    });
    await this.announce(proxy.id);
    return {
      app_security_key: await this.siteConfig.getOrInit('app_signing_key', randomBytes(96).toString('hex')),
      derp_mesh_key: await this.siteConfig.getOrInit('derp_mesh_key', randomBytes(32).toString('hex')),
      derp_region_id: regionId,
      derp_map: null,
      derp_force_websockets: false,
      sibling_replicas: siblings.map(toReplicaResponse),
    };
  }

  async deregister(proxy: WorkspaceProxyEntity, body: DeregisterWorkspaceProxyRequest): Promise<void> {
    const regionId = PROXY_REGION_BASE + proxy.regionId;
    const replicaId = body.replica_id && body.replica_id !== NIL_UUID ? body.replica_id.toLowerCase() : undefined;
    await this.db.transaction(async (manager) => {
      await this.repo.lockWorkspaceProxy(manager, proxy.id);
      if (replicaId) {
        const replica = await this.replicas.getReplica(replicaId, manager);
        if (!replica || replica.primary || replica.regionId !== regionId) throw notFound();
        // Deregistering twice is harmless (Coder answers 500 the second time).
        await this.replicas.markReplicaStopped(replicaId, manager);
      }
      if ((await this.replicas.liveProxyReplicas(regionId, manager)).length === 0) {
        await this.repo.unregisterWorkspaceProxy(manager, proxy.id);
      }
    });
    await this.announce(proxy.id);
  }

  private async announce(proxyId: string): Promise<void> {
    await this.replicas.announceChange();
    await this.health.announceChange(proxyId);
  }
}
