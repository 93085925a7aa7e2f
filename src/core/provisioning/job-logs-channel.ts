/**
 * Pubsub channel on which every replica hears that a job has new logs or has completed (payload:
 * the job id). Published by the daemon side after each change commits; heard by the log streams.
 */
export const JOB_LOGS_CHANNEL = 'provisioner_job_logs';
