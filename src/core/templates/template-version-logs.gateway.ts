import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobLogsStreamService } from '../provisioning/job-logs-stream.service.js';
import type { VisibleVersion } from './templates.service.js';

/** `GET /api/v2/templateversions/{templateversion}/logs?follow` as a WebSocket (the Terraform provider waits on it). */
const PATH = /^\/api\/v2\/templateversions\/([^/]+)\/logs\/?$/;

@Injectable()
export class TemplateVersionLogsGateway implements OnApplicationBootstrap {
  constructor(private readonly streams: JobLogsStreamService) {}

  onApplicationBootstrap(): void {
    this.streams.route<VisibleVersion>({
      pattern: PATH,
      param: 'templateversion',
      jobOf: (found) => found.version.jobId,
    });
  }
}
