import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTIONS, RESOURCES } from '../permissions.js';

/** `codersdk.Permission`: one (resource type, action) a role grants; never negated here. */
export class PermissionResponse {
  @ApiProperty({ description: 'Always false: built-in roles here only grant.' }) negate: boolean;
  @ApiProperty({ enum: RESOURCES }) resource_type: string;
  @ApiProperty({ enum: ACTIONS }) action: string;
}

/** `codersdk.AssignableRoles`: a role (`codersdk.Role`), whether the caller may assign it, `built_in`. */
export class AssignableRoleResponse {
  @ApiProperty() name: string;
  @ApiProperty() display_name: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Set for organization roles only.' })
  organization_id?: string;
  @ApiProperty({ type: [PermissionResponse], description: 'Granted on every object.' })
  site_permissions: PermissionResponse[];
  @ApiProperty({ type: [PermissionResponse], description: 'Granted inside the organization the role is held in.' })
  organization_permissions: PermissionResponse[];
  @ApiProperty({ type: [PermissionResponse], description: 'Granted on what the holder owns.' })
  user_permissions: PermissionResponse[];
  @ApiProperty({
    type: [PermissionResponse],
    description: 'Granted on what the holder owns inside the organization; none of the built-in roles here.',
  })
  organization_member_permissions: PermissionResponse[];
  @ApiProperty() assignable: boolean;
  @ApiProperty({ description: 'Built-in (immutable) role; every role here is (no custom roles).' })
  built_in: boolean;
}
