import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { projectRoot } from '../../project-root';
import { ApiError } from '../errors';

/** Where `npm run build` writes the console (ui/ built by Vite). */
export function consoleRoot(): string {
  return path.join(projectRoot(), 'dist', 'ui');
}

/**
 * The console's pages may load only what the API serves itself: no inline scripts, no other
 * origin, no framing. Styles may be set inline (the graph positions its elements that way).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The web console at `/ui/`: the static files of the built console (public, like /docs: they
 * hold no data; every API call they make carries the user's key). Hashed assets are cached for
 * good, the page itself never. Without a build, `/ui/` says how to make one.
 */
export const consoleRoutes: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? consoleRoot();
  app.get('/ui', async (_request, reply) => reply.redirect('/ui/', 301));
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.get('/ui/*', async () => {
      throw new ApiError('NOT_FOUND', 'The console is not built: run `npm run build`');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/ui/',
    decorateReply: false,
    index: ['index.html'],
    redirect: false,
    setHeaders(res, file) {
      res.header('content-security-policy', CONTENT_SECURITY_POLICY);
      res.header('x-content-type-options', 'nosniff');
      res.header(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
    cacheControl: false,
  });
};
