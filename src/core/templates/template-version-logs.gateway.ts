import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobLogsStreamService } from '../provisioning/job-logs-stream.service.js';
import { TemplateVersionParamResolver } from './templates.params.js';

/** `GET /api/v2/templateversions/{templateversion}/logs?follow` as a WebSocket (the Terraform provider waits on it). */
const PATH = /^\/api\/v2\/templateversions\/([^/]+)\/logs\/?$/;

@Injectable()
export class TemplateVersionLogsGateway implements OnApplicationBootstrap {
  constructor(
    private readonly streams: JobLogsStreamService,
    private readonly versions: TemplateVersionParamResolver,
  ) {}

  onApplicationBootstrap(): void {
    // The upgrade passes no guard: the same resolver as the HTTP route answers 400/404.
    this.streams.route(PATH, async (actor, param) => (await this.versions.resolve(param, actor)).version.jobId);
  }
}
