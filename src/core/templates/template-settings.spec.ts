import type { CreateTemplateRequest } from './dto/template.dto.js';
import type { UpdateTemplateMetaRequest } from './dto/update-template.dto.js';
import { TemplateEntity } from './entities/template.entity.js';
import { bitmapToWeekdays, newTemplateSettings, patchedTemplate, templateAuditSnapshot } from './template-settings.js';

const ORG = '11111111-1111-4111-8111-111111111111';

function template(): TemplateEntity {
  return Object.assign(new TemplateEntity(), {
    id: 't',
    organizationId: ORG,
    name: 'docker',
    displayName: '',
    description: '',
    icon: '',
    defaultTtl: 0,
    maxTtl: 0,
    activityBump: 3_600_000_000_000,
    timeTilAutostopNotify: 0,
    restartRequirementDaysOfWeek: 0,
    restartRequirementWeeks: 1,
    autostartAllowedDays: 127,
    allowUserAutostart: true,
    allowUserAutostop: true,
    allowUserCancelWorkspaceJobs: false,
    failureTtl: 0,
    inactivityTtl: 0,
    lockedTtl: 0,
    requireActiveVersion: false,
    deprecationMessage: '',
    maxPortShareLevel: 'owner',
    corsBehavior: 'simple',
    useClassicParameterFlow: false,
    agentsAllowed: true,
    disableModuleCache: false,
    userAcl: {},
    groupAcl: { [ORG]: ['read'] },
    activeVersionId: 'v',
  });
}

const patch = (body: Partial<UpdateTemplateMetaRequest>) => patchedTemplate(template(), body);
const create = (body: Partial<CreateTemplateRequest>) =>
  newTemplateSettings({ name: 'x', template_version_id: 'v', ...body });

describe('template settings', () => {
  it('bitmap ↔ weekdays, Monday = bit 0', () => {
    expect(bitmapToWeekdays(0b1000001)).toEqual(['monday', 'sunday']);
    expect(patch({ autostart_requirement: { days_of_week: ['SUNDAY', 'monday'] } }).autostartAllowedDays).toBe(
      0b1000001,
    );
    expect(patch({ autostart_requirement: { days_of_week: [] } }).autostartAllowedDays).toBe(0);
  });

  it('a PATCH leaves what was not sent, and does not touch the original', () => {
    const before = template();
    const after = patchedTemplate(before, { description: 'd' });
    expect(templateAuditSnapshot(after)).toEqual({ ...templateAuditSnapshot(before), description: 'd' });
    expect(before.description).toBe('');
    expect(templateAuditSnapshot(patch({}))).toEqual(templateAuditSnapshot(template()));
  });

  it('an empty name and an empty cors_behavior mean unchanged; weeks 0 means 1', () => {
    const next = patch({ name: '', cors_behavior: '', autostop_requirement: { days_of_week: ['friday'], weeks: 0 } });
    expect(next).toMatchObject({
      name: 'docker',
      corsBehavior: 'simple',
      restartRequirementDaysOfWeek: 0b10000,
      restartRequirementWeeks: 1,
    });
  });

  it('disable_everyone_group_access removes only the Everyone entry, from a copy', () => {
    const before = template();
    before.groupAcl.other = ['*'];
    const next = patchedTemplate(before, { disable_everyone_group_access: true });
    expect(next.groupAcl).toEqual({ other: ['*'] });
    expect(before.groupAcl).toEqual({ [ORG]: ['read'], other: ['*'] });
    expect(patch({ disable_everyone_group_access: false }).groupAcl).toEqual({ [ORG]: ['read'] });
  });

  it('dormancy TTLs on PATCH are 0 or at least a minute; on create only not negative', () => {
    expect(() => patch({ time_til_dormant_ms: 59_999 })).toThrow('Invalid request to update template metadata!');
    expect(patch({ time_til_dormant_ms: 60_000 }).inactivityTtl).toBe(60_000_000_000);
    expect(create({ time_til_dormant_ms: 1 }).inactivityTtl).toBe(1_000_000);
    expect(() => create({ dormant_ttl_ms: -1 })).toThrow('Invalid create template request.');
  });

  it('the autostop reminder is 0 or at least a minute, on create and PATCH (Coder 000528)', () => {
    expect(create({ time_til_autostop_notify_ms: 60_000 }).timeTilAutostopNotify).toBe(60_000_000_000);
    expect(() => create({ time_til_autostop_notify_ms: 59_999 })).toThrow('Invalid create template request.');
    expect(() => create({ time_til_autostop_notify_ms: -1 })).toThrow('Invalid create template request.');
    expect(patch({ time_til_autostop_notify_ms: 120_000 }).timeTilAutostopNotify).toBe(120_000_000_000);
    expect(patch({ time_til_autostop_notify_ms: 0 }).timeTilAutostopNotify).toBe(0);
    expect(patch({}).timeTilAutostopNotify).toBe(0);
    expect(() => patch({ time_til_autostop_notify_ms: 1 })).toThrow('Invalid request to update template metadata!');
    expect(templateAuditSnapshot(patch({ time_til_autostop_notify_ms: 60_000 }))).toMatchObject({
      time_til_autostop_notify: 60_000_000_000,
    });
  });

  it("create defaults are Coder's", () => {
    expect(create({})).toEqual({
      defaultTtl: 0,
      maxTtl: 0,
      activityBump: 3_600_000_000_000,
      timeTilAutostopNotify: 0,
      restartRequirementDaysOfWeek: 0,
      restartRequirementWeeks: 1,
      autostartAllowedDays: 127,
      maxPortShareLevel: 'owner',
      corsBehavior: 'simple',
      failureTtl: 0,
      inactivityTtl: 0,
      lockedTtl: 0,
    });
  });
});
