import { ApiKeyEntity } from './core/api-keys/entities/api-key.entity.js';
import { AuditLogEntity } from './core/audit/entities/audit-log.entity.js';
import { FileEntity } from './core/files/entities/file.entity.js';
import { ProvisionerDaemonEntity } from './core/provisioning/entities/provisioner-daemon.entity.js';
import { ProvisionerJobLogEntity } from './core/provisioning/entities/provisioner-job-log.entity.js';
import { ProvisionerJobEntity } from './core/provisioning/entities/provisioner-job.entity.js';
import { WorkspaceResourceEntity } from './core/provisioning/entities/workspace-resource.entity.js';
import { TemplateVersionEntity } from './core/templates/entities/template-version.entity.js';
import { TemplateEntity } from './core/templates/entities/template.entity.js';
import { WorkspaceBuildEntity } from './core/workspaces/entities/workspace-build.entity.js';
import { WorkspaceEntity } from './core/workspaces/entities/workspace.entity.js';
import { GroupMemberEntity } from './core/groups/entities/group-member.entity.js';
import { GroupEntity } from './core/groups/entities/group.entity.js';
import { LicenseEntity } from './core/licensing/entities/license.entity.js';
import { OrganizationMemberEntity } from './core/organizations/entities/organization-member.entity.js';
import { OrganizationEntity } from './core/organizations/entities/organization.entity.js';
import { SiteConfigEntity } from './core/site-config/entities/site-config.entity.js';
import { UserEntity } from './core/users/entities/user.entity.js';
import { ReplicaEntity } from './enterprise/replicas/entities/replica.entity.js';
import { WorkspaceProxyEntity } from './enterprise/workspace-proxies/entities/workspace-proxy.entity.js';
import { ScimGroupEntity } from './enterprise/scim/entities/scim-group.entity.js';
import { ScimUserEntity } from './enterprise/scim/entities/scim-user.entity.js';
import { ProvisionerKeyEntity } from './enterprise/provisioner-keys/entities/provisioner-key.entity.js';

/** Every entity, listed explicitly (no globs) so the app and the migration CLI see the same schema. */
export const ALL_ENTITIES = [
  UserEntity,
  ApiKeyEntity,
  OrganizationEntity,
  OrganizationMemberEntity,
  GroupEntity,
  GroupMemberEntity,
  AuditLogEntity,
  SiteConfigEntity,
  LicenseEntity,
  FileEntity,
  ProvisionerJobEntity,
  ProvisionerJobLogEntity,
  ProvisionerDaemonEntity,
  WorkspaceResourceEntity,
  TemplateVersionEntity,
  TemplateEntity,
  WorkspaceEntity,
  WorkspaceBuildEntity,
  ReplicaEntity,
  WorkspaceProxyEntity,
  ScimUserEntity,
  ScimGroupEntity,
  ProvisionerKeyEntity,
];
