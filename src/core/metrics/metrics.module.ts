import { Module } from '@nestjs/common';
import { MetricsListener } from './metrics-listener.js';
import { MetricsService } from './metrics.service.js';

/** Metrics are counted by MetricsService's middleware and served only by MetricsListener, on its own port. */
@Module({ providers: [MetricsService, MetricsListener], exports: [MetricsService] })
export class MetricsModule {}
