import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SESSION_SECURITY } from '../../core/auth/access.decorators.js';
import { SERVER_VERSION } from '../../core/buildinfo/version.js';

/** Swagger UI at `/swagger`, the OpenAPI document at `/swagger/doc.json`. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Coder Enterprise API')
    .setDescription(
      'Coder\'s REST API (enterprise routes and the core they stand on). Errors use the envelope ' +
        '`{message, detail?, validations?}`. Differences from Coder are listed in docs/compatibility.md.',
    )
    .setVersion(SERVER_VERSION)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Coder-Session-Token' }, SESSION_SECURITY)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('swagger', app, document, {
    jsonDocumentUrl: 'swagger/doc.json',
    yamlDocumentUrl: 'swagger/doc.yaml',
    useGlobalPrefix: false,
  });
}
