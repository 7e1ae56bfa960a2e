/**
 * `zhiyin serve`: the HTTP API and the web studio (src/server) on http://127.0.0.1:8717, with the
 * demo material stored on first start. Listening beyond loopback needs an API token.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../node/index.js';
import { numberOption } from '../options.js';

interface ServeFlags {
  port: number;
  host: string;
  data: string;
  token?: string;
  demo: boolean;
  concurrency: number;
  maxQueue: number;
  web?: string;
  rateLimit: number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the web studio and the HTTP API (/api/v1, OpenAPI at /api/docs); jobs run in worker threads with a SQLite queue in the data folder',
    )
    .option('-p, --port <n>', 'port', numberOption('--port', 0, 65535, true), 8717)
    .option('--host <address>', 'address to listen on (beyond loopback needs --token)', '127.0.0.1')
    .option('-d, --data <dir>', 'folder for the database, uploads and results', 'zhiyin-data')
    .option('--token <token>', 'API token clients must send (default: $ZHIYIN_TOKEN)')
    .option('--no-demo', 'do not store the demo material')
    .option('--concurrency <n>', 'jobs run at once', numberOption('--concurrency', 1, 64, true), 1)
    .option(
      '--max-queue <n>',
      'jobs waiting or running before new ones get 503',
      numberOption('--max-queue', 1, 10000, true),
      32,
    )
    .option('--web <dir>', 'folder of the built studio (default dist/web)')
    .option(
      '--rate-limit <n>',
      'requests per client per minute (uploads, new jobs and adaptations: a tenth)',
      numberOption('--rate-limit', 10, 1e9, true),
      6000,
    )
    .action(async (opts: ServeFlags) => {
      const { closeServer, seedDemo, startServer } = await import('../../server/index.js');
      const token = opts.token ?? process.env.ZHIYIN_TOKEN;
      const webDir = resolve(opts.web ?? join(packageRoot(), 'dist', 'web'));
      const server = await startServer({
        dataDir: resolve(opts.data),
        host: opts.host,
        port: opts.port,
        ...(token && { token }),
        ...(existsSync(webDir) && { webDir }),
        queue: { concurrency: opts.concurrency, maxActive: opts.maxQueue },
        rateLimitPerMinute: opts.rateLimit,
      });
      const say = (text: string) => process.stdout.write(`${text}\n`);
      const { requeued, failed } = server.recovered;
      if (requeued.length || failed.length)
        say(
          `after the last stop: ${requeued.length} interrupted job(s) queued again, ${failed.length} failed`,
        );
      if (opts.demo) {
        const demo = await seedDemo(server, resolve(opts.data));
        say(`demo material stored: ${Object.keys(demo).join(', ')}`);
      }
      say(
        `Zhiyin 知音 studio: ${server.url}/  (API ${server.url}/api/v1, docs ${server.url}/api/docs)`,
      );
      if (!existsSync(webDir))
        say(`(the studio is not built: ${webDir} is missing; the API works)`);
      say('Ctrl-C stops it; unfinished jobs resume at the next start.');
      const stop = () => {
        void closeServer(server).then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
