import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SESSION_SECURITY } from './security-schemes.js';
import { SERVER_VERSION } from '../version.js';
import { polishDocument } from './swagger-document.js';

/**
 * Swagger UI at `/swagger` (and `/swagger/`), the OpenAPI document at `/swagger/doc.json`.
 * Must run before the app's routes are registered (app.init), so the redirect below wins.
 */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Coder Enterprise API')
    .setDescription(
      "Coder's REST API (enterprise routes and the core they stand on). Errors use the envelope " +
        '`{message, detail?, validations?}`. Differences from Coder are listed in docs/compatibility.md.\n\n' +
        'To try a route: **Authorize** with a session token (`session_token` from `POST /api/v2/users/login`) ' +
        'or an API key, then **Try it out**.',
    )
    .setVersion(SERVER_VERSION)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Coder-Session-Token' }, SESSION_SECURITY)
    .build();
  const document = polishDocument(SwaggerModule.createDocument(app, config));
  // Coder serves its UI at `/swagger/index.html`. Nest answers that path with the page meant for
  // `/swagger`, whose relative asset URLs then miss (a blank page): send browsers to `/swagger`.
  app.getHttpAdapter().get('/swagger/index.html', (req: Request, res: Response) => {
    const query = req.originalUrl.indexOf('?');
    res.redirect(302, `/swagger${query >= 0 ? req.originalUrl.slice(query) : ''}`);
  });
  SwaggerModule.setup('swagger', app, document, {
    jsonDocumentUrl: 'swagger/doc.json',
    yamlDocumentUrl: 'swagger/doc.yaml',
    useGlobalPrefix: false,
    customSiteTitle: 'Coder Enterprise API',
  });
}
