import type { MigrationInterface } from 'typeorm';
import { CoreSchema1795868062809 } from './1795868062809-CoreSchema.js';
import { Licenses1795871201371 } from './1795871201371-Licenses.js';
import { Provisioning1795874949065 } from './1795874949065-Provisioning.js';
import { GroupMembers1795875330274 } from './1795875330274-GroupMembers.js';
import { HighAvailability1795888800000 } from './1795888800000-HighAvailability.js';
import { ScimProvisioning1795892400000 } from './1795892400000-ScimProvisioning.js';
import { TemplateSettingsAndAutoUpdates1795903200000 } from './1795903200000-TemplateSettingsAndAutoUpdates.js';
import { GroupMembersFollowOrganization1795910400000 } from './1795910400000-GroupMembersFollowOrganization.js';
import { ScaleIndexes1795914000000 } from './1795914000000-ScaleIndexes.js';
import { ActiveUserCount1795917600000 } from './1795917600000-ActiveUserCount.js';
import { ProvisionerKeys1795921200000 } from './1795921200000-ProvisionerKeys.js';
import { DaemonJobHistory1795928400000 } from './1795928400000-DaemonJobHistory.js';
import { DormantUsers1795935600000 } from './1795935600000-DormantUsers.js';
import { CurrentShapes1795950000000 } from './1795950000000-CurrentShapes.js';
import { BuildMaxDeadline1795960000000 } from './1795960000000-BuildMaxDeadline.js';
import { TemplateVersionJobIndex1795970000000 } from './1795970000000-TemplateVersionJobIndex.js';

type MigrationClass = new () => MigrationInterface;

/** Every migration in order. Add new ones at the end; never edit one that has landed. */
export const ALL_MIGRATIONS: MigrationClass[] = [
  CoreSchema1795868062809,
  Licenses1795871201371,
  Provisioning1795874949065,
  GroupMembers1795875330274,
  HighAvailability1795888800000,
  ScimProvisioning1795892400000,
  TemplateSettingsAndAutoUpdates1795903200000,
  GroupMembersFollowOrganization1795910400000,
  ScaleIndexes1795914000000,
  ActiveUserCount1795917600000,
  ProvisionerKeys1795921200000,
  DaemonJobHistory1795928400000,
  DormantUsers1795935600000,
  CurrentShapes1795950000000,
  BuildMaxDeadline1795960000000,
  TemplateVersionJobIndex1795970000000,
];
