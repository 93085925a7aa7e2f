import { Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { FilesController } from './files.controller.js';
import { FileParamResolver } from './files.params.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

@Module({
  imports: [AccessModule],
  controllers: [FilesController],
  providers: [FilesService, FilesRepository, FileParamResolver],
  exports: [FilesService],
})
export class FilesModule {}
