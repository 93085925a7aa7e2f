import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ApiExceptionFilter } from './common/http/exception.filter.js';
import { ErrorDelegates } from './common/http/error-delegates.js';
import { RouteTable } from './common/http/route-table.js';
import { createValidationPipe } from './common/validation.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.schema.js';
import { ApiKeysModule } from './core/api-keys/api-keys.module.js';
import { AuditModule } from './core/audit/audit.module.js';
import { AuthModule } from './core/auth/auth.module.js';
import { AuthorizationGuard } from './core/access/authorization.guard.js';
import { AccessModule, ParamResolutionGuard } from './core/access/resolved-params.js';
import { RateLimitMiddleware } from './core/auth/rate-limit.middleware.js';
import { SessionGuard } from './core/auth/session.guard.js';
import { AuthCheckModule } from './core/authcheck/authcheck.module.js';
import { BuildInfoModule } from './core/buildinfo/buildinfo.module.js';
import { DeploymentModule } from './core/deployment/deployment.module.js';
import { FilesModule } from './core/files/files.module.js';
import { HealthModule } from './core/health/health.module.js';
import { EntitlementGuard } from './core/licensing/entitlement.guard.js';
import { LicensingModule } from './core/licensing/licensing.module.js';
import { MembersModule } from './core/members/members.module.js';
import { MetricsModule } from './core/metrics/metrics.module.js';
import { OrganizationsModule } from './core/organizations/organizations.module.js';
import { ProvisioningModule } from './core/provisioning/provisioning.module.js';
import { PubSubModule } from './database/pubsub/pubsub.module.js';
import { SiteConfigModule } from './core/site-config/site-config.module.js';
import { TemplatesModule } from './core/templates/templates.module.js';
import { UsersModule } from './core/users/users.module.js';
import { LifecycleModule } from './core/lifecycle/lifecycle.module.js';
import { WorkspacesModule } from './core/workspaces/workspaces.module.js';
import { DatabaseModule, type DatabaseConnection } from './database/database.module.js';
import { GroupsModule } from './enterprise/groups/groups.module.js';
import { ProvisionerDaemonsModule } from './enterprise/provisioner-daemons/provisioner-daemons.module.js';
import { ProvisionerKeysModule } from './enterprise/provisioner-keys/provisioner-keys.module.js';
import { QuietHoursModule } from './enterprise/quiet-hours/quiet-hours.module.js';
import { TemplateAclModule } from './enterprise/template-acl/template-acl.module.js';
import { WorkspaceQuotaModule } from './enterprise/workspace-quota/workspace-quota.module.js';
import { AppearanceModule } from './enterprise/appearance/appearance.module.js';
import { ReplicasModule } from './enterprise/replicas/replicas.module.js';
import { WorkspaceProxiesModule } from './enterprise/workspace-proxies/workspace-proxies.module.js';
import { ScimModule } from './enterprise/scim/scim.module.js';
import { AuditLogModule } from './enterprise/audit-log/audit-log.module.js';
import { ALL_ENTITIES } from './entities.js';

export interface AppOptions {
  config: AppConfig;
  database: DatabaseConnection;
}

/**
 * The only place global guards, pipes and filters are registered. Guards run in this order:
 * session (401) → entitlement (403) → route-level RBAC (403/404) → path parameters loaded
 * (400/404); then malformed JSON and the
 * validation pipe (400).
 */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        DatabaseModule.forRoot(options.config, options.database, ALL_ENTITIES),
        AccessModule,
        PubSubModule,
        SiteConfigModule,
        AuditModule,
        AuditLogModule,
        LicensingModule,
        MetricsModule,
        AuthModule,
        OrganizationsModule,
        UsersModule,
        ApiKeysModule,
        MembersModule,
        ProvisioningModule,
        FilesModule,
        TemplatesModule,
        WorkspacesModule,
        LifecycleModule,
        HealthModule,
        BuildInfoModule,
        AuthCheckModule,
        DeploymentModule,
        AppearanceModule,
        GroupsModule,
        QuietHoursModule,
        TemplateAclModule,
        ProvisionerDaemonsModule,
        ProvisionerKeysModule,
        WorkspaceQuotaModule,
        ReplicasModule,
        WorkspaceProxiesModule,
        ScimModule,
      ],
      providers: [
        RouteTable,
        ErrorDelegates,
        RateLimitMiddleware,
        { provide: APP_GUARD, useClass: SessionGuard },
        { provide: APP_GUARD, useClass: EntitlementGuard },
        { provide: APP_GUARD, useClass: AuthorizationGuard },
        { provide: APP_GUARD, useClass: ParamResolutionGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        ApiExceptionFilter,
        { provide: APP_FILTER, useExisting: ApiExceptionFilter },
      ],
    };
  }
}
