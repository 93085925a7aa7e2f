import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobLogsStreamService } from '../provisioning/job-logs-stream.service.js';
import { WorkspaceBuildParamResolver } from './workspaces.params.js';

/** `GET /api/v2/workspacebuilds/{workspacebuild}/logs?follow` as a WebSocket (codersdk and the CLI follow builds with it). */
const PATH = /^\/api\/v2\/workspacebuilds\/([^/]+)\/logs\/?$/;

@Injectable()
export class WorkspaceBuildLogsGateway implements OnApplicationBootstrap {
  constructor(
    private readonly streams: JobLogsStreamService,
    private readonly buildParam: WorkspaceBuildParamResolver,
  ) {}

  onApplicationBootstrap(): void {
    // The upgrade bypasses the guards: the path parameter is resolved here, with the same rules.
    this.streams.route(PATH, async (actor, param) => (await this.buildParam.resolve(param, actor)).build.jobId);
  }
}
