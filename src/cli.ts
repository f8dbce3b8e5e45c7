// The `duluan` command: start, worker, migrate, collect, user …
import { parseArgs } from 'node:util';
import { generatePassword, hashPassword } from './api/password.ts';
import { evaluateFile } from './classifiers/evaluate.ts';
import { trainModelsFromFiles, writeModels } from './classifiers/train-models.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { previewInput, type PreviewOptions } from './collectors/preview.ts';
import { listSources } from './db/queries/sources.ts';
import { insertUser, setUserPassword } from './db/queries/users.ts';
import { ROLES, type Role } from './domain/user.ts';
import { createInProcessRunner } from './jobs/job-runner.ts';
import { openMigratedDatabase, pipelineDepsFor, startService, startWorker, stopOnSignals } from './main.ts';

const USAGE = `Usage: duluan <command> [options]

Commands:
  start                         run the service (HTTP, and jobs in process when REDIS_URL is unset)
  worker                        run a BullMQ worker that collects sources (needs REDIS_URL)
  migrate                       apply database migrations and exit
  collect [--source ID]         fetch every enabled source (or one) now and print the counts as JSON lines
  preview <url-or-file>… [--kind rss|html] [--selectors JSON] [--content-type TYPE]
                                parse each input as a feed (or page) without storing; one JSON line per input
  train [--data-dir DIR] [--out DIR]
                                retrain the sentiment and offensive models from labelled TSV files
                                (default ../shared/data) and write models/*.json
  eval FILE.tsv                 score the models on label<TAB>text lines; prints one JSON object
  user add --username U --role R [--password P]
                                create a user (roles: ${ROLES.join(', ')}); a password is generated when omitted
  user password --username U [--password P]
                                set a user's password

Settings come from environment variables; see README.md.`;

class UsageError extends Error {}

function option(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config: Config = loadConfig();
  switch (command) {
    // Signal handlers go in before start-up begins: a SIGTERM that arrives while starting waits
    // for the start to finish and then shuts down cleanly, instead of killing the process.
    case 'start': {
      const starting = startService(config);
      stopOnSignals(async () => (await starting).stop());
      await starting;
      return -1;
    }
    case 'worker': {
      const starting = startWorker(config);
      stopOnSignals(async () => (await starting).stop());
      await starting;
      return -1;
    }
    case 'migrate': {
      const database = await openMigratedDatabase(config);
      await database.close();
      console.log('migrations applied');
      return 0;
    }
    case 'collect': {
      const { values } = parseArgs({ args: rest, options: { source: { type: 'string' } } });
      const database = await openMigratedDatabase(config);
      try {
        const runner = createInProcessRunner(pipelineDepsFor(config, database));
        const wanted = option(values, 'source');
        const sources = (await listSources(database.db)).filter((source) =>
          wanted ? String(source.id) === wanted : source.enabled && source.kind === 'rss',
        );
        if (wanted && sources.length === 0) throw new UsageError(`no source with id ${wanted}`);
        for (const source of sources) console.log(JSON.stringify(await runner.refreshNow(source.id)));
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'preview': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { kind: { type: 'string' }, selectors: { type: 'string' }, 'content-type': { type: 'string' } },
      });
      if (positionals.length === 0) throw new UsageError('preview needs at least one URL or file');
      const kind = option(values, 'kind') ?? 'rss';
      if (kind !== 'rss' && kind !== 'html') throw new UsageError('--kind must be rss or html');
      let selectors: PreviewOptions['selectors'];
      const rawSelectors = option(values, 'selectors');
      if (rawSelectors !== undefined) {
        try {
          selectors = JSON.parse(rawSelectors) as PreviewOptions['selectors'];
        } catch {
          throw new UsageError('--selectors must be a JSON object, e.g. {"item":"article","title":"h2"}');
        }
        if (typeof selectors !== 'object' || selectors === null || Array.isArray(selectors)) {
          throw new UsageError('--selectors must be a JSON object');
        }
      }
      const options: PreviewOptions = {
        kind,
        selectors,
        contentType: option(values, 'content-type'),
        allowHosts: config.COLLECTOR_ALLOW_HOSTS,
        timeoutMs: config.COLLECTOR_TIMEOUT_MS,
        maxBytes: config.COLLECTOR_MAX_BYTES,
        allowFiles: true,
      };
      for (const input of positionals) console.log(JSON.stringify(await previewInput(input, options)));
      return 0;
    }
    case 'train': {
      const { values } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' }, out: { type: 'string' } } });
      const models = trainModelsFromFiles({ dataDir: option(values, 'data-dir') });
      for (const path of writeModels(models, option(values, 'out'))) console.log(`wrote ${path}`);
      console.log(JSON.stringify({ sentiment: models.sentiment.version, offensive: models.offensive.version }));
      return 0;
    }
    case 'eval': {
      const [file] = rest;
      if (!file) throw new UsageError('eval needs a file: duluan eval FILE.tsv');
      const report = evaluateFile(file);
      // Per-label figures at the top level as well, so `jq .negative.f1` works as readily as `.labels`.
      console.log(JSON.stringify({ ...report.labels, ...report }));
      return 0;
    }
    case 'user': {
      const [action, ...args] = rest;
      const { values } = parseArgs({
        args,
        options: { username: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } },
      });
      const username = option(values, 'username')?.normalize('NFC');
      if (!username) throw new UsageError('--username is required');
      const given = option(values, 'password');
      if (given !== undefined && given.length < 8) throw new UsageError('--password must be at least 8 characters');
      const password = given ?? generatePassword();
      const database = await openMigratedDatabase(config);
      try {
        if (action === 'add') {
          const role = option(values, 'role');
          if (!role || !ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
          await insertUser(database.db, { username, role: role as Role, passwordHash: await hashPassword(password) });
          console.log(`user ${username} (${role}) created`);
        } else if (action === 'password') {
          const user = await setUserPassword(database.db, username, await hashPassword(password));
          if (!user) throw new UsageError(`no user named ${username}`);
          console.log(`password of ${username} changed`);
        } else {
          throw new UsageError('user needs an action: add or password');
        }
        if (!given) console.log(`password: ${password}`);
      } finally {
        await database.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(error.message);
      if (error instanceof UsageError) console.error(`\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
