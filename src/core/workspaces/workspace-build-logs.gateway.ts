import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobLogsStreamService } from '../provisioning/job-logs-stream.service.js';
import type { VisibleBuild } from './workspaces.params.js';

/** `GET /api/v2/workspacebuilds/{workspacebuild}/logs?follow` as a WebSocket (codersdk and the CLI follow builds with it). */
const PATH = /^\/api\/v2\/workspacebuilds\/([^/]+)\/logs\/?$/;

@Injectable()
export class WorkspaceBuildLogsGateway implements OnApplicationBootstrap {
  constructor(private readonly streams: JobLogsStreamService) {}

  onApplicationBootstrap(): void {
    this.streams.route<VisibleBuild>({ pattern: PATH, param: 'workspacebuild', jobOf: (found) => found.build.jobId });
  }
}
