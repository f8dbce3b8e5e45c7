// Composition root: config → database → migrations → classifier → jobs → HTTP; graceful shutdown.
import { createServer, type Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { generatePassword, hashPassword } from './api/password.ts';
import { createClassifier } from './classifiers/classify.ts';
import { createSourceChecker } from './collectors/source-checker.ts';
import { loadModels } from './classifiers/load-models.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { runMigrations } from './db/migrate.ts';
import { countUsers, insertUser } from './db/queries/users.ts';
import type { NewSource } from './db/queries/sources.ts';
import { DEFAULT_SOURCES, seedSourcesIfEmpty } from './db/seed-sources.ts';
import { seedResponseTemplatesIfEmpty } from './db/queries/response-templates.ts';
import {
  checkRedisEvictionPolicy,
  closeWorkerWithin,
  createBullmqRunner,
  monitorWorker,
  startRefreshWorker,
  type WorkerHealth,
} from './jobs/bullmq-runner.ts';
import { createInProcessRunner, type JobRunner } from './jobs/job-runner.ts';
import { WEEKLY_SNAPSHOT_CHECK_MS, snapshotDueWeek, weeklyDelivery } from './jobs/weekly-snapshot.ts';
import { ALERTS_EVERY_MS, createAlertService, runAlerts, type RunAlertsDeps } from './jobs/run-alerts.ts';
import { hasMessage, t as translate } from '../dashboard/i18n/messages.ts';
import type { AlertText } from './domain/alert.ts';
import { createLogger, type Logger } from './logger.ts';
import type { PipelineDeps } from './pipeline/refresh-source.ts';
import { RECHECK_EVERY_MS, recheckItems } from './pipeline/recheck-items.ts';
import { RETENTION_EVERY_MS, runRetention } from './pipeline/retention.ts';
import { clusterPendingItems } from './pipeline/cluster-items.ts';
import { createFeedbackImporter } from './pipeline/import-feedback.ts';
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
    recheckDays: config.RECHECK_DAYS,
  };
}

// Alert texts come from the catalogue; an unknown key is shown as itself rather than failing a run.
const alertText: AlertText = (locale, key, params) => (hasMessage(key) ? translate(locale, key, params) : key);

/** Returns what an alerts pass needs: links to PUBLIC_URL (default http://localhost:PORT) and the delivery secrets. */
export function alertDepsFor(config: Config, database: Database): RunAlertsDeps {
  return {
    db: database.db,
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    text: alertText,
    delivery: {
      smtpPassword: config.SMTP_PASSWORD,
      webhookSecret: config.ALERT_WEBHOOK_SECRET,
      webhookAllowHosts: config.ALERT_WEBHOOK_ALLOW_HOSTS,
      timeoutMs: config.COLLECTOR_TIMEOUT_MS,
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
  await seedResponseTemplatesIfEmpty(database.db);

  const pipeline = pipelineDepsFor(config, database);
  const alerts = alertDepsFor(config, database);
  const jobs = config.REDIS_URL
    ? createBullmqRunner({ redisUrl: config.REDIS_URL, deps: pipeline, prefix: config.QUEUE_PREFIX })
    : createInProcessRunner(pipeline, {
        onResult: (result) => logger.info('source refreshed', { ...result }),
        onError: (error, sourceId) => logger.error('background job failed', { sourceId, error: String(error) }),
        periodic: [
          { everyMs: 0, run: () => clusterPendingItems(database.db) },
          { everyMs: RECHECK_EVERY_MS, run: () => recheckItems(pipeline) },
          { everyMs: RETENTION_EVERY_MS, run: () => runRetention(database.db) },
          // Stores last week's summary once Monday 07:00 has passed (a no-op when it is stored).
          { everyMs: WEEKLY_SNAPSHOT_CHECK_MS, run: () => snapshotDueWeek(database.db, { deliver: weeklyDelivery(alerts) }) },
          { everyMs: ALERTS_EVERY_MS, run: () => runAlerts(alerts) },
        ],
      });
  if (config.SCHEDULER) {
    await jobs.start();
    // A new model or classifier release relabels what is stored, in the background.
    await jobs.enqueueReclassify();
  }

  const importer = createFeedbackImporter(
    { db: database.db, classifiers: pipeline.classifiers },
    { onError: (error) => logger.error('import failed', { error: String(error) }) },
  );
  const app = createApp({
    db: database.db,
    databaseKind: database.kind,
    jobs,
    classifiers: pipeline.classifiers,
    importer,
    sourceChecker: createSourceChecker(pipeline.fetch),
    sessionTtlHours: config.SESSION_TTL_HOURS,
    cookieSecure: config.COOKIE_SECURE,
    foldQuery: foldText,
    trustedProxies: config.TRUSTED_PROXIES,
    alerts: createAlertService(alerts),
  });
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(started));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  // With PORT=0 the port is known only now.
  if (!config.PUBLIC_URL) alerts.publicUrl = `http://localhost:${port}`;
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
        await importer.idle();
        await jobs.close();
        await database.close();
      })();
      return stopping;
    },
  };
}

/** A running `duluan worker`: its health (also on WORKER_HEALTH_PORT) and how to stop it. */
export interface RunningWorker {
  health(): WorkerHealth;
  /** The URL of /health, when WORKER_HEALTH_PORT is set. */
  healthUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts a BullMQ worker process that refreshes sources. Refuses to start when Redis may evict
 * keys; serves GET /health (503 when stuck) on WORKER_HEALTH_PORT; stop() lets jobs in hand finish
 * for WORKER_SHUTDOWN_TIMEOUT_MS, then leaves them to another worker's stalled check.
 */
export async function startWorker(config: Config): Promise<RunningWorker> {
  if (!config.REDIS_URL) throw new Error('worker: REDIS_URL is required (without it, `start` runs jobs in process)');
  const redisUrl = config.REDIS_URL;
  const logger = createLogger(config.LOG_LEVEL);
  const eviction = await checkRedisEvictionPolicy(redisUrl);
  if (eviction.warning) logger.warn(eviction.warning);
  const database = await openMigratedDatabase(config);
  const alerts = alertDepsFor(config, database);
  const worker = startRefreshWorker({
    redisUrl,
    deps: pipelineDepsFor(config, database),
    alerts,
    deliverWeekly: weeklyDelivery(alerts),
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    lockDurationMs: config.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
    onFailed: (error, sourceId) => logger.error('refresh job failed', { sourceId, error: error.message }),
    onError: (error) => logger.warn('worker connection error; reconnecting', { error: error.message }),
  });
  worker.on('active', (job) => logger.debug('job started', { jobId: job.id, name: job.name }));
  worker.on('completed', (_job, result) => logger.info('source refreshed', { ...result }));
  worker.on('stalled', (jobId) => logger.warn('job stalled (its worker stopped renewing the lock); it runs again', { jobId }));
  const monitor = monitorWorker(worker, {
    redisUrl,
    prefix: config.QUEUE_PREFIX,
    stuckAfterMs: config.WORKER_STUCK_AFTER_SECONDS * 1000,
  });

  let healthServer: Server | null = null;
  let healthUrl: string | undefined;
  if (config.WORKER_HEALTH_PORT !== undefined) {
    let wasOk = true;
    const server = createServer((request, response) => {
      if ((request.url ?? '/').split('?')[0] !== '/health') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const report = monitor.report();
      if (report.ok !== wasOk) {
        wasOk = report.ok;
        (report.ok ? logger.info : logger.error)(report.ok ? 'worker healthy again' : 'worker unhealthy', { detail: report.detail });
      }
      response
        .writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(report));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.WORKER_HEALTH_PORT, config.HOST, () => resolve());
    });
    healthServer = server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.WORKER_HEALTH_PORT;
    healthUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}/health`;
  }
  logger.info('worker started', {
    queue: worker.name,
    prefix: config.QUEUE_PREFIX,
    name: worker.opts.name,
    pid: process.pid,
    concurrency: config.WORKER_CONCURRENCY,
    health: healthUrl ?? null,
    maxmemoryPolicy: eviction.policy,
  });

  let stopping: Promise<void> | null = null;
  return {
    health: () => monitor.report(),
    healthUrl,
    stop() {
      stopping ??= (async () => {
        // Finish the jobs in hand, but never hang a shutdown on a stuck one.
        const outcome = await closeWorkerWithin(worker, config.WORKER_SHUTDOWN_TIMEOUT_MS);
        if (outcome === 'forced') {
          logger.warn('shutdown timed out; unfinished jobs run again on another worker once their lock expires', {
            timeoutMs: config.WORKER_SHUTDOWN_TIMEOUT_MS,
          });
        }
        // The jobs are settled; what remains is releasing connections, and a failure there must
        // not turn a clean drain into a failed shutdown.
        const release = async (what: string, step: () => Promise<unknown>) => {
          try {
            await step();
          } catch (error) {
            logger.warn(`could not close the ${what} cleanly`, { error: error instanceof Error ? error.message : String(error) });
          }
        };
        await release('health monitor', () => monitor.close());
        healthServer?.closeAllConnections();
        if (healthServer) await release('health server', () => new Promise<void>((resolve) => healthServer!.close(() => resolve())));
        await release('database', () => Promise.race([database.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]));
        logger.info('worker stopped', { outcome });
      })();
      return stopping;
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
