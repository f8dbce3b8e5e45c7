// The `duluan` command: start, worker, migrate, collect, user …
import { writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePassword, hashPassword } from './api/password.ts';
import { evaluateFile } from './classifiers/evaluate.ts';
import { loadModels, type LoadedModels } from './classifiers/load-models.ts';
import { MissingTrainingDataError, trainModelsFromFiles, writeModels } from './classifiers/train-models.ts';
import { trainWithDecisions, type DevFigures } from './classifiers/train-with-decisions.ts';
import { listTrainingDecisions } from './db/queries/training-decisions.ts';
import { DatabaseInUseError } from './db/client.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { previewInput, type PreviewOptions } from './collectors/preview.ts';
import { getSource, listSources } from './db/queries/sources.ts';
import { applySourceChanges, checkSourceChanges } from './api/source-changes.ts';
import { createSourceChecker } from './collectors/source-checker.ts';
import { createBullmqRunner } from './jobs/bullmq-runner.ts';
import { createUser, setUserPassword } from './db/queries/users.ts';
import { checkPassword, checkUsername, isRole, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, ROLES, USERNAME_MAX_LENGTH, type Role, type UsernameProblem } from './domain/user.ts';
import { createInProcessRunner } from './jobs/job-runner.ts';
import { IsoWeekError, assertWeekStarted, lastCompleteIsoWeek, parseIsoWeek } from './domain/iso-week.ts';
import { WEEKLY_REPORT_FORMATS, isWeeklyReportFormat, renderWeeklyReport } from './reports/weekly-report-file.ts';
import { alertDepsFor, openMigratedDatabase, pipelineDepsFor, startService, startWorker, stopOnSignals } from './main.ts';
import { runAlerts } from './jobs/run-alerts.ts';
import { carryOutDataRequest } from './db/queries/privacy.ts';
import { DATA_REQUEST_KINDS, type DataRequestKind } from './domain/privacy.ts';
import { runRetention } from './pipeline/retention.ts';
import { getSetting, putSetting } from './db/queries/settings.ts';
import { DEFAULT_PUBLIC_FORM, normalizeReceipt, PUBLIC_FORM_SETTING, withDefaultPublicForm } from './domain/public-feedback.ts';

const USAGE = `Usage: duluan <command> [options]

Commands:
  start                         run the service (HTTP, and jobs in process when REDIS_URL is unset)
  worker                        run a BullMQ worker that collects sources (needs REDIS_URL)
  migrate                       apply database migrations and exit
  collect [--source ID]         fetch every enabled source (or one) now and print the counts as JSON lines
  source edit ID [--name N] [--url U] [--interval-minutes M] [--selectors JSON] [--enable | --disable]
                                change a source, checked as on the sources page (a new URL refetches in
                                full and starts its health over); prints the source as JSON
  preview <url-or-file>… [--kind rss|html] [--selectors JSON] [--content-type TYPE]
                                parse each input as a feed (or page) without storing; one JSON line per input
  train [--data-dir DIR] [--out DIR]
                                retrain the sentiment and offensive models from labelled TSV files
                                (default ../shared/data) and write models/*.json
  train --from-decisions [--base-limit N] [--data-dir DIR] [--out DIR]
                                retrain with staff decisions as extra examples (false positives of the
                                negative flag → neutral, confirmed ones → negative); prints how many
                                were used and the dev figures before and after
  eval FILE.tsv                 score the models on label<TAB>text lines; prints one JSON object
  user add --username U --role R [--password P]
                                create a user (roles: ${ROLES.join(', ')}); a password is generated when omitted
  user password --username U [--password P]
                                set a user's password
  data-request --kind access|deletion (--receipt R | --contact C)
                                carry out a citizen's request to see or delete their data; prints JSON;
                                logged without the receipt or contact searched
  retention run                 delete citizens' contacts and attachments older than the retention period now
  alerts run                    raise alerts (known false claims, surges, the morning digest) and deliver
                                what is pending, once; prints the counts as JSON
  public-form on|off|status     open or close the public feedback form (/public/feedback); prints {"enabled": …}

  report weekly [--week 2026-W48] [--format docx|csv|xlsx|json] [--raw] --out FILE
                                write the weekly report (default: the last complete week, as JSON); prints the file's path

Settings come from environment variables; see README.md.`;

class UsageError extends Error {}

const USERNAME_PROBLEMS: Record<UsernameProblem, string> = {
  required: 'is required',
  too_long: `must be at most ${USERNAME_MAX_LENGTH} characters`,
  invalid_chars: 'may hold only letters, digits and . _ - @ (no spaces or control characters)',
};
/** Input the command cannot use (a file that is absent or malformed): its message, no stack trace. */
class InputError extends Error {}

function errorMessage(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'no such file';
  if (error instanceof Error && 'code' in error && error.code === 'EISDIR') return 'is a directory, not a file';
  return error instanceof Error ? error.message : String(error);
}

function option(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** `train --from-decisions`: staff decisions as extra sentiment examples; prints what was used and the dev figures before and after. */
async function trainFromDecisions(config: Config, values: Record<string, unknown>): Promise<number> {
  const rawLimit = option(values, 'base-limit');
  if (rawLimit !== undefined && !/^[1-9]\d{0,6}$/.test(rawLimit)) throw new UsageError('--base-limit must be a positive whole number of lines');
  const database = await openMigratedDatabase(config);
  let decisions;
  try {
    decisions = await listTrainingDecisions(database.db);
  } finally {
    await database.close();
  }
  if (decisions.length === 0) {
    console.error(
      'no staff decisions to learn from: no item flagged negative has been dismissed as a false positive or confirmed ' +
        '(verdict fake/false, or responded to with a correction). Nothing was trained; the models are unchanged.',
    );
    return 1;
  }
  let current: LoadedModels | null = null;
  try {
    current = loadModels();
  } catch {
    current = null;
  }
  const result = trainWithDecisions({
    decisions,
    dataDir: option(values, 'data-dir'),
    baseLimit: rawLimit === undefined ? undefined : Number(rawLimit),
    current,
  });
  console.log(`decisions used: ${result.used.negative} negative, ${result.used.neutral} neutral (of ${decisions.length})`);
  console.log(`base lines: sentiment ${result.baseLines.sentiment}, offensive ${result.baseLines.offensive}`);
  const line = (name: string, figures: DevFigures | null) =>
    figures
      ? `${name}: sentiment (${figures.file}) negative F1 ${figures.negativeF1.toFixed(4)} · weighted F1 ${figures.weightedF1.toFixed(4)} · accuracy ${figures.accuracy.toFixed(4)}` +
        (figures.offensiveFlaggedF1 !== undefined ? ` | offensive (${figures.offensiveFile}) flagged F1 ${figures.offensiveFlaggedF1.toFixed(4)}` : '')
      : `${name}: —`;
  console.log(line('dev before', result.before));
  console.log(line('dev after ', result.after));
  for (const path of writeModels(result.models, option(values, 'out'))) console.log(`wrote ${path}`);
  console.log(JSON.stringify({ used: result.used, before: result.before, after: result.after, sentiment: result.models.sentiment.version, offensive: result.models.offensive.version }));
  return 0;
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
    case 'source': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          name: { type: 'string' },
          url: { type: 'string' },
          'interval-minutes': { type: 'string' },
          selectors: { type: 'string' },
          enable: { type: 'boolean' },
          disable: { type: 'boolean' },
        },
      });
      const [action, rawId] = positionals;
      if (action !== 'edit' || positionals.length !== 2) throw new UsageError('usage: source edit ID [options]');
      const id = /^[1-9]\d{0,9}$/.test(rawId ?? '') ? Number(rawId) : null;
      if (id === null) throw new UsageError('ID must be a positive whole number');
      if (values.enable && values.disable) throw new UsageError('--enable and --disable exclude each other');
      const body: Record<string, unknown> = {};
      if (values.name !== undefined) body.name = values.name;
      if (values.url !== undefined) body.url = values.url;
      const minutes = option(values, 'interval-minutes');
      if (minutes !== undefined) body.pollIntervalSeconds = /^\d{1,6}$/.test(minutes) ? Number(minutes) * 60 : Number.NaN;
      if (values.selectors !== undefined) {
        try {
          body.selectors = values.selectors.trim() === '' ? null : (JSON.parse(values.selectors) as unknown);
        } catch {
          throw new UsageError('--selectors must be a JSON object, e.g. {"item":"article","title":"h2"} (or "" to clear them)');
        }
      }
      if (values.enable) body.enabled = true;
      if (values.disable) body.enabled = false;
      const database = await openMigratedDatabase(config);
      const pipeline = pipelineDepsFor(config, database);
      // With Redis the schedule lives there and is updated; in process, the running service reads the table.
      const jobs = config.REDIS_URL
        ? createBullmqRunner({ redisUrl: config.REDIS_URL, deps: pipeline, prefix: config.QUEUE_PREFIX })
        : createInProcessRunner(pipeline);
      try {
        const source = await getSource(database.db, id);
        if (!source) throw new UsageError(`no source with id ${id}`);
        const checked = checkSourceChanges(createSourceChecker(pipeline.fetch), source, body);
        if (!checked.ok) {
          console.error(JSON.stringify({ error: 'validation_failed', details: checked.errors }));
          return 1;
        }
        const updated = await applySourceChanges({ db: database.db, jobs }, source, checked.value);
        console.log(JSON.stringify(updated));
      } finally {
        await jobs.close();
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
      const { values } = parseArgs({
        args: rest,
        options: { 'data-dir': { type: 'string' }, out: { type: 'string' }, 'from-decisions': { type: 'boolean' }, 'base-limit': { type: 'string' } },
      });
      if (values['from-decisions']) return trainFromDecisions(config, values);
      if (values['base-limit'] !== undefined) throw new UsageError('--base-limit goes with --from-decisions');
      const models = trainModelsFromFiles({ dataDir: option(values, 'data-dir') });
      for (const path of writeModels(models, option(values, 'out'))) console.log(`wrote ${path}`);
      console.log(JSON.stringify({ sentiment: models.sentiment.version, offensive: models.offensive.version }));
      return 0;
    }
    case 'eval': {
      const [file] = rest;
      if (!file) throw new UsageError('eval needs a file: duluan eval FILE.tsv');
      let report: ReturnType<typeof evaluateFile>;
      try {
        report = evaluateFile(file);
      } catch (error) {
        // A missing file, a directory, a malformed line or unknown labels: the user's input, not a crash.
        throw new InputError(`eval ${file}: ${errorMessage(error)}`);
      }
      // Per-label figures at the top level as well, so `jq .negative.f1` works as readily as `.labels`.
      console.log(JSON.stringify({ ...report.labels, ...report }));
      return 0;
    }
    case 'data-request': {
      const { values } = parseArgs({ args: rest, options: { kind: { type: 'string' }, receipt: { type: 'string' }, contact: { type: 'string' } } });
      const kind = option(values, 'kind');
      if (!kind || !DATA_REQUEST_KINDS.includes(kind as DataRequestKind)) throw new UsageError('--kind must be access or deletion');
      const typedReceipt = option(values, 'receipt')?.trim();
      // As the page and the API read it: PA-XXXXXXXX, PAXXXXXXXX or XXXXXXXX, any case, spaces.
      const receipt = typedReceipt ? (normalizeReceipt(typedReceipt) ?? typedReceipt) : undefined;
      const contact = option(values, 'contact')?.normalize('NFC').trim();
      if (Boolean(receipt) === Boolean(contact)) throw new UsageError('give exactly one of --receipt or --contact');
      if (typedReceipt && !normalizeReceipt(typedReceipt)) throw new UsageError('--receipt looks like PA-XXXXXXXX');
      const database = await openMigratedDatabase(config);
      try {
        const outcome = await carryOutDataRequest(database.db, { kind: kind as DataRequestKind, receipt, contact, performedBy: null, now: new Date() });
        console.log(JSON.stringify(outcome, null, kind === 'access' ? 2 : undefined));
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'retention': {
      if (rest[0] !== 'run') throw new UsageError('retention needs an action: run');
      const database = await openMigratedDatabase(config);
      try {
        console.log(JSON.stringify(await runRetention(database.db, new Date())));
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'user': {
      const [action, ...args] = rest;
      const { values } = parseArgs({
        args,
        options: { username: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } },
      });
      // The same rules as the users page and API (src/domain/user.ts): one rule for every way in.
      const rawUsername = option(values, 'username');
      if (!rawUsername) throw new UsageError('--username is required');
      const given = option(values, 'password');
      const passwordProblem = given === undefined ? null : checkPassword(given);
      if (passwordProblem) throw new UsageError(`--password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
      const password = given ?? generatePassword();
      let username = rawUsername.normalize('NFC');
      if (action === 'add') {
        const checked = checkUsername(rawUsername);
        if (!checked.ok) throw new UsageError(`--username ${USERNAME_PROBLEMS[checked.problem]}`);
        username = checked.username;
        const role = option(values, 'role');
        if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      } else if (action !== 'password') {
        throw new UsageError('user needs an action: add or password');
      }
      const database = await openMigratedDatabase(config);
      try {
        if (action === 'add') {
          const role = option(values, 'role') as Role;
          const created = await createUser(database.db, { username, role, passwordHash: await hashPassword(password) });
          if (!created.ok) throw new InputError(`a user named ${created.taken} already exists (names differing only in letter case count as the same)`);
          console.log(`user ${username} (${role}) created`);
        } else {
          const user = await setUserPassword(database.db, username, await hashPassword(password));
          if (!user) throw new UsageError(`no user named ${username}`);
          console.log(`password of ${username} changed; their sessions were ended`);
        }
        if (!given) console.log(`password: ${password}`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'public-form': {
      const [action] = rest;
      if (action !== 'on' && action !== 'off' && action !== 'status') throw new UsageError('public-form needs an action: on, off or status');
      const database = await openMigratedDatabase(config);
      try {
        if (action !== 'status') await putSetting(database.db, PUBLIC_FORM_SETTING, { enabled: action === 'on' });
        console.log(JSON.stringify(withDefaultPublicForm(await getSetting(database.db, PUBLIC_FORM_SETTING, DEFAULT_PUBLIC_FORM))));
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'alerts': {
      if (rest[0] !== 'run') throw new UsageError('alerts needs an action: run');
      const database = await openMigratedDatabase(config);
      try {
        console.log(JSON.stringify(await runAlerts(alertDepsFor(config, database))));
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'report': {
      const [kind, ...args] = rest;
      if (kind !== 'weekly') throw new UsageError('report needs a kind: duluan report weekly --week 2026-W48 --format docx --out FILE');
      const { values } = parseArgs({ args, options: { week: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, raw: { type: 'boolean' } } });
      const format = option(values, 'format') ?? 'json';
      if (!isWeeklyReportFormat(format)) throw new UsageError(`--format must be one of ${WEEKLY_REPORT_FORMATS.join(', ')}`);
      const out = option(values, 'out');
      if (!out) throw new UsageError('--out FILE is required');
      const now = new Date();
      const asked = option(values, 'week');
      let week;
      try {
        week = asked === undefined ? lastCompleteIsoWeek(now) : assertWeekStarted(parseIsoWeek(asked), now);
      } catch (error) {
        if (error instanceof IsoWeekError) throw new UsageError(`--week: ${error.message}`);
        throw error;
      }
      const database = await openMigratedDatabase(config);
      try {
        // CSV and XLSX are for people (Vietnamese headers, local times) unless --raw asks for the stored codes.
        const bytes = await renderWeeklyReport(database.db, week, format, now, values.raw ? 'raw' : 'vi');
        writeFileSync(out, bytes);
      } finally {
        await database.close();
      }
      console.log(resolvePath(out));
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
    if (error instanceof InputError || error instanceof MissingTrainingDataError || error instanceof DatabaseInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    console.error(error);
    process.exit(1);
  },
);
