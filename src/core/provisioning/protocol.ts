/**
 * The JSON provisioner protocol (docs/provisioner-protocol.md), version 1. These types are shared by
 * the server (WebSocket sessions and built-in daemons) and the reference daemon (`npm run provisionerd`).
 */
import type { JobType, ProvisionerType } from './entities/provisioner-job.entity.js';
import type { LogLevel } from './entities/provisioner-job-log.entity.js';

export const PROTOCOL_VERSION = 1;
export const PROTOCOL_NAME = 'coder-provisioner-json';

export interface ProtocolResource {
  name: string;
  type: string;
  daily_cost: number;
  icon?: string;
  hide?: boolean;
  instance_type?: string;
}

/** A job handed to a daemon: everything it needs to run it. */
export interface AcquiredJob {
  job_id: string;
  type: JobType;
  provisioner: ProvisionerType;
  created_at: string;
  organization_id: string;
  /** The uploaded template source. */
  file: { id: string; hash: string; mimetype: string; data_base64: string };
  template_import?: { template_version_id: string };
  workspace_build?: {
    workspace_build_id: string;
    workspace_id: string;
    workspace_name: string;
    owner_id: string;
    owner_name: string;
    build_number: number;
    transition: 'start' | 'stop' | 'delete';
    template_id: string;
    template_name: string;
    template_version_id: string;
  };
}

export interface JobLogInput {
  level: LogLevel;
  stage?: string;
  output: string;
}

export interface CommitQuotaResult {
  ok: boolean;
  credits_consumed: number;
  budget: number;
}

/** Daemon → server messages. */
export type ClientMessage =
  | { type: 'acquire_job'; request_id: string; wait?: boolean }
  | { type: 'update_job'; request_id: string; job_id: string; logs: JobLogInput[] }
  | { type: 'commit_quota'; request_id: string; job_id: string; daily_cost: number }
  | {
      type: 'complete_job';
      request_id: string;
      job_id: string;
      resources: ProtocolResource[];
      stop_resources?: ProtocolResource[];
    }
  | { type: 'fail_job'; request_id: string; job_id: string; error: string; error_code?: string }
  | { type: 'ping'; request_id?: string };

/** Server → daemon messages. */
export type ServerMessage =
  | {
      type: 'hello';
      protocol: string;
      version: number;
      daemon: { id: string; name: string; provisioners: string[]; tags: Record<string, string> };
    }
  | { type: 'job'; request_id: string; job: AcquiredJob | null }
  /** `canceled` (only on the answer to `update_job`, only when true): the job was canceled; stop and fail it. */
  | { type: 'ack'; request_id: string; canceled?: true }
  | ({ type: 'quota'; request_id: string } & CommitQuotaResult)
  | { type: 'pong'; request_id?: string }
  | { type: 'error'; request_id?: string; code: string; message: string };
