import { Module } from '@nestjs/common';
import { BuildInfoController } from './buildinfo.controller.js';

@Module({ controllers: [BuildInfoController] })
export class BuildInfoModule {}
