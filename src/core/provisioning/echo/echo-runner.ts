import type { AcquiredJob, CommitQuotaResult, JobLogInput, ProtocolResource } from '../protocol.js';
import { EchoTemplateError, parseEchoTemplate, plannedResources, totalDailyCost } from './echo-provisioner.js';

/** What a daemon can ask of the server while running a job (a direct call or a WebSocket round trip). */
export interface JobChannel {
  log(logs: JobLogInput[]): Promise<void>;
  commitQuota(dailyCost: number): Promise<CommitQuotaResult>;
  complete(resources: ProtocolResource[], stopResources?: ProtocolResource[]): Promise<void>;
  fail(error: string, errorCode?: string): Promise<void>;
}

export const INSUFFICIENT_QUOTA = 'insufficient quota';

/**
 * Runs a job with the echo provisioner (docs/provisioner-protocol.md §6): imports record the template's resources;
 * start and stop builds plan `resources` / `stop_resources`, commit their summed daily cost (when
 * above 0), and record them; delete builds remove everything. Used by built-in and external daemons.
 */
export async function runEchoJob(job: AcquiredJob, channel: JobChannel): Promise<'completed' | 'failed'> {
  const info = (output: string, stage = 'Running'): JobLogInput => ({ level: 'info', stage, output });
  let template;
  try {
    template = parseEchoTemplate(Buffer.from(job.file.data_base64, 'base64'), job.file.mimetype);
  } catch (err) {
    if (!(err instanceof EchoTemplateError)) throw err;
    await channel.log([{ level: 'error', stage: 'Parsing template', output: err.message }]);
    await channel.fail(err.message, 'INVALID_TEMPLATE');
    return 'failed';
  }
  await channel.log([info('Parsing echo template', 'Parsing template'), ...template.logs.map((line) => info(line))]);
  if (template.fail) {
    await channel.fail(template.fail);
    return 'failed';
  }
  if (job.type === 'template_version_import') {
    await channel.log([info(`Detected ${template.resources.length} resource(s)`, 'Detecting resources')]);
    await channel.complete(template.resources, template.stop_resources);
    return 'completed';
  }
  const transition = job.workspace_build?.transition ?? 'start';
  const resources = plannedResources(template, transition);
  const cost = totalDailyCost(resources);
  if (transition !== 'delete' && cost > 0) {
    const quota = await channel.commitQuota(cost);
    if (!quota.ok) {
      await channel.log([
        { level: 'warn', stage: 'Committing quota', output: `Build cost — ${cost}` },
        { level: 'warn', stage: 'Committing quota', output: `Budget — ${quota.budget}` },
        { level: 'warn', stage: 'Committing quota', output: `Credits consumed — ${quota.credits_consumed}` },
        { level: 'error', stage: 'Committing quota', output: 'This build would exceed your quota. Failing.' },
      ]);
      await channel.fail(INSUFFICIENT_QUOTA, 'INSUFFICIENT_QUOTA');
      return 'failed';
    }
  }
  await channel.log([
    info(`${transition === 'delete' ? 'Destroyed' : 'Applied'} ${resources.length} resource(s)`, 'Applying'),
  ]);
  await channel.complete(resources);
  return 'completed';
}
