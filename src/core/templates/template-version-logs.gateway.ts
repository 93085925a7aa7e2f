import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobLogsStreamService } from '../provisioning/job-logs-stream.service.js';
import { TemplatesService } from './templates.service.js';

/** `GET /api/v2/templateversions/{templateversion}/logs?follow` as a WebSocket (the Terraform provider waits on it). */
const PATH = /^\/api\/v2\/templateversions\/([^/]+)\/logs\/?$/;

@Injectable()
export class TemplateVersionLogsGateway implements OnApplicationBootstrap {
  constructor(
    private readonly streams: JobLogsStreamService,
    private readonly templates: TemplatesService,
  ) {}

  onApplicationBootstrap(): void {
    this.streams.route(PATH, async (actor, param) => (await this.templates.resolveVersion(actor, param)).version.jobId);
  }
}
