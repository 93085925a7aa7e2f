import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobLogsStreamService } from '../provisioning/job-logs-stream.service.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';

/** `GET /api/v2/workspacebuilds/{workspacebuild}/logs?follow` as a WebSocket (codersdk and the CLI follow builds with it). */
const PATH = /^\/api\/v2\/workspacebuilds\/([^/]+)\/logs\/?$/;

@Injectable()
export class WorkspaceBuildLogsGateway implements OnApplicationBootstrap {
  constructor(
    private readonly streams: JobLogsStreamService,
    private readonly builds: WorkspaceBuildsService,
  ) {}

  onApplicationBootstrap(): void {
    this.streams.route(PATH, (actor, param) => this.builds.jobOf(actor, param));
  }
}
