import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NIL_UUID } from '../../core/audit/audit.service.js';
import { SiteConfigService } from '../../core/site-config/site-config.service.js';
import { Database } from '../../database/database.js';
import { toReplicaResponse } from '../replicas/dto/replica.dto.js';
import { ReplicasService } from '../replicas/replicas.service.js';
import type {
  DeregisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyResponse,
} from './dto/proxy-registration.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { hostnamePatternError, normaliseProxyUrl, proxyUrlError } from './proxy-urls.js';
import {
  derpOnlyWithoutDerp,
  PROXY_MESSAGES,
  proxyTokenInvalid,
  proxyUrlInvalid,
  proxyWildcardInvalid,
  replicaIdInvalid,
  replicaMissing,
  replicaStopped,
  replicaTaken,
} from './workspace-proxies.errors.js';
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
    private readonly db: Database,
    private readonly repo: WorkspaceProxiesRepository,
    private readonly replicas: ReplicasService,
    private readonly health: ProxyHealthService,
    private readonly siteConfig: SiteConfigService,
  ) {}

  async register(
    proxy: WorkspaceProxyEntity,
    body: RegisterWorkspaceProxyRequest,
  ): Promise<RegisterWorkspaceProxyResponse> {
    const accessUrl = body.access_url ?? '';
    const urlError = proxyUrlError(accessUrl);
    if (urlError) throw proxyUrlInvalid(urlError);
    const wildcard = body.wildcard_hostname ?? '';
    const wildcardError = wildcard === '' ? null : hostnamePatternError(wildcard);
    if (wildcardError) throw proxyWildcardInvalid(wildcardError);
    if (body.replica_id === NIL_UUID) throw replicaIdInvalid();
    const derpEnabled = body.derp_enabled ?? false;
    if (body.derp_only && !derpEnabled) throw derpOnlyWithoutDerp();
    const regionId = PROXY_REGION_BASE + proxy.regionId;
    const replicaId = body.replica_id?.toLowerCase();

    const siblings = await this.db.transaction(async () => {
      const current = await this.repo.lockWorkspaceProxy(proxy.id);
      if (!current || current.deleted) throw proxyTokenInvalid(PROXY_MESSAGES.proxyDeleted);
      await this.repo.registerWorkspaceProxy(proxy.id, {
        url: normaliseProxyUrl(accessUrl),
        wildcardHostname: wildcard,
        derpEnabled,
        derpOnly: body.derp_only ?? false,
        version: body.version ?? '',
      });
      if (replicaId) {
        const existing = await this.replicas.getReplica(replicaId);
        // A proxy may only refresh its own replicas, never a server's or another proxy's row.
        if (existing && (existing.primary || existing.regionId !== regionId)) throw replicaTaken(replicaId);
        if (existing?.stoppedAt) throw replicaStopped(replicaId);
        await this.replicas.recordProxyReplica({
          id: replicaId,
          hostname: body.hostname ?? '',
          regionId,
          relayAddress: body.replica_relay_address ?? '',
          version: body.version ?? '',
          error: body.replica_error ?? '',
        });
      }
      return (await this.replicas.liveProxyReplicas(regionId)).filter((replica) => replica.id !== replicaId);
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
    await this.db.transaction(async () => {
      await this.repo.lockWorkspaceProxy(proxy.id);
      if (replicaId) {
        const replica = await this.replicas.getReplica(replicaId);
        if (!replica || replica.primary || replica.regionId !== regionId) throw replicaMissing();
        // Deregistering twice is harmless (Coder answers 500 the second time).
        await this.replicas.markReplicaStopped(replicaId);
      }
      if ((await this.replicas.liveProxyReplicas(regionId)).length === 0) {
        await this.repo.unregisterWorkspaceProxy(proxy.id);
      }
    });
    await this.announce(proxy.id);
  }

  private async announce(proxyId: string): Promise<void> {
    await this.replicas.announceChange();
    await this.health.announceChange(proxyId);
  }
}
