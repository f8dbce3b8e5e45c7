// The only reader of process.env: one schema, every bad key reported at once.
import { isIP } from 'node:net';
import { z } from 'zod';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const hostList = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean));

// Proxies whose X-Forwarded-For is believed: IP addresses or CIDR blocks (10.0.0.0/8, fd00::/8).
const proxyList = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .refine(
    (entries) =>
      entries.every((entry) => {
        const [address = '', prefix, extra] = entry.split('/');
        const family = isIP(address);
        if (family === 0 || extra !== undefined) return false;
        return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
      }),
    'each entry must be an IP address or CIDR block, comma-separated',
  );

const databaseUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must start with postgres:// or postgresql://')
  .optional();

const redisUrl = z
  .string()
  .refine((value) => /^rediss?:\/\//.test(value), 'must start with redis:// or rediss://')
  .optional();

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: databaseUrl,
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: redisUrl,
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  COLLECTOR_ALLOW_HOSTS: hostList,
  COLLECTOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  COLLECTOR_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  SEED_SOURCES: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  SCHEDULER: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  RECHECK_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  TRUSTED_PROXIES: proxyList,
  // `duluan worker` (BullMQ): see src/jobs/bullmq-runner.ts for what each one protects against.
  QUEUE_PREFIX: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('bull'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKER_STUCK_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  WORKER_MAX_STALLED_COUNT: z.coerce.number().int().min(1).max(100).default(2),
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  // Alerts: links point at PUBLIC_URL (default http://localhost:PORT); secrets come only from here.
  PUBLIC_URL: z
    .string()
    .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), 'must be an http(s) URL')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  SMTP_PASSWORD: z.string().optional(),
  ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALERT_WEBHOOK_ALLOW_HOSTS: hostList,
});

/** Validated settings of one process. */
export type Config = z.infer<typeof ConfigSchema>;

/** Thrown with every invalid key listed, so a bad start-up names all problems at once. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Returns the validated configuration read from the given environment (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" — a common result of `FOO= npm start` or compose files.
  const cleaned = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

/** Returns the test services named by TEST_DATABASE_URL / TEST_REDIS_URL (tests only). */
export function loadTestServices(env: Record<string, string | undefined> = process.env): {
  databaseUrl?: string;
  redisUrl?: string;
  requireBrowser: boolean;
} {
  return {
    databaseUrl: env.TEST_DATABASE_URL || undefined,
    redisUrl: env.TEST_REDIS_URL || undefined,
    requireBrowser: env.REQUIRE_BROWSER === '1' || env.CI === 'true',
  };
}
