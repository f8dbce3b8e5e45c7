// Composition root: config → database → migrations → classifier → jobs → HTTP; graceful shutdown.
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { generatePassword, hashPassword } from './api/password.ts';
import { createClassifier } from './classifiers/classify.ts';
import { loadModels } from './classifiers/load-models.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { runMigrations } from './db/migrate.ts';
import { countUsers, insertUser } from './db/queries/users.ts';
import type { NewSource } from './db/queries/sources.ts';
import { DEFAULT_SOURCES, seedSourcesIfEmpty } from './db/seed-sources.ts';
import { createBullmqRunner, startRefreshWorker } from './jobs/bullmq-runner.ts';
import { createInProcessRunner, type JobRunner } from './jobs/job-runner.ts';
import { createLogger, type Logger } from './logger.ts';
import type { PipelineDeps } from './pipeline/refresh-source.ts';
import { createClassifierCache } from './pipeline/classifier-cache.ts';
import { foldText } from './text/fold-text.ts';

/** A running service: its address and how to stop it. */
export interface RunningService {
  url: string;
  database: Database;
  jobs: JobRunner;
  stop(): Promise<void>;
}

/** Returns the opened, migrated database for this configuration. */
export async function openMigratedDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await runMigrations(database, config.DATABASE_URL);
  return database;
}

/** Returns the pipeline dependencies for this configuration (the committed models are read once). */
export function pipelineDepsFor(config: Config, database: Database): PipelineDeps {
  const models = loadModels();
  return {
    db: database.db,
    classifiers: createClassifierCache(database.db, (inputs) => createClassifier({ ...inputs, models })),
    fetch: {
      allowHosts: config.COLLECTOR_ALLOW_HOSTS,
      timeoutMs: config.COLLECTOR_TIMEOUT_MS,
      maxBytes: config.COLLECTOR_MAX_BYTES,
    },
  };
}

// The first start creates `admin`; a random password is printed once and never stored in clear.
async function bootstrapAdmin(database: Database, config: Config, logger: Logger): Promise<string | null> {
  if ((await countUsers(database.db)) > 0) return null;
  const password = config.ADMIN_PASSWORD ?? generatePassword();
  try {
    await insertUser(database.db, { username: 'admin', role: 'admin', passwordHash: await hashPassword(password) });
  } catch (error) {
    // Another process created it first.
    logger.debug('admin already created by another process', { error: String(error) });
    return null;
  }
  return config.ADMIN_PASSWORD ? null : password;
}

/** Starts the HTTP service (and, without Redis, the in-process scheduler); resolves once it listens. */
export async function startService(
  config: Config,
  options: { seedSources?: NewSource[]; print?: (line: string) => void } = {},
): Promise<RunningService> {
  const logger = createLogger(config.LOG_LEVEL);
  const print = options.print ?? ((line: string) => console.log(line));
  const database = await openMigratedDatabase(config);
  logger.info('database ready', { kind: database.kind, location: database.location });
  const oneTimePassword = await bootstrapAdmin(database, config, logger);
  if (config.SEED_SOURCES) await seedSourcesIfEmpty(database.db, options.seedSources ?? DEFAULT_SOURCES);

  const pipeline = pipelineDepsFor(config, database);
  const jobs = config.REDIS_URL
    ? createBullmqRunner({ redisUrl: config.REDIS_URL, deps: pipeline })
    : createInProcessRunner(pipeline, {
        onResult: (result) => logger.info('source refreshed', { ...result }),
        onError: (error, sourceId) => logger.error('source refresh failed', { sourceId, error: String(error) }),
      });
  if (config.SCHEDULER) {
    await jobs.start();
    // A new model or classifier release relabels what is stored, in the background.
    await jobs.enqueueReclassify();
  }

  const app = createApp({
    db: database.db,
    databaseKind: database.kind,
    jobs,
    classifiers: pipeline.classifiers,
    sessionTtlHours: config.SESSION_TTL_HOURS,
    cookieSecure: config.COOKIE_SECURE,
    foldQuery: foldText,
  });
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(started));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  print(`duluan is running at ${url} (database: ${database.kind}, jobs: ${jobs.kind})`);
  if (oneTimePassword) {
    print(`First start: sign in as "admin" with the one-time password: ${oneTimePassword}`);
    print('It is shown only now. Change it with: npm run --silent duluan -- user password --username admin');
  }

  let stopping: Promise<void> | null = null;
  return {
    url,
    database,
    jobs,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await jobs.close();
        await database.close();
      })();
      return stopping;
    },
  };
}

/** Starts a BullMQ worker process that refreshes sources; resolves with a stop function. */
export async function startWorker(config: Config): Promise<{ stop(): Promise<void> }> {
  if (!config.REDIS_URL) throw new Error('worker: REDIS_URL is required (without it, `start` runs jobs in process)');
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openMigratedDatabase(config);
  const worker = startRefreshWorker({
    redisUrl: config.REDIS_URL,
    deps: pipelineDepsFor(config, database),
    onFailed: (error, sourceId) => logger.error('refresh job failed', { sourceId, error: error.message }),
  });
  worker.on('completed', (_job, result) => logger.info('source refreshed', { ...result }));
  logger.info('worker started', { queue: worker.name });
  return {
    async stop() {
      // Finish the jobs in hand, but never hang a shutdown on a stuck one.
      await Promise.race([worker.close(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await database.close();
    },
  };
}

/** Calls stop on SIGINT/SIGTERM, then exits. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    console.error(`${signal} received, shutting down`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
