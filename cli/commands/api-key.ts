import { type Command, Option } from 'commander';
import { AuditLog } from '../../api/audit/log.js';
import { hashKey, KeyStore } from '../../api/auth/keys.js';
import { API_ROLES, type ApiRole } from '../../core/config/sections/api.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/**
 * `flowlens api-key create|list|revoke|hash`: API keys in the database (only SHA-256 hashes are
 * stored; a new key is printed once) and the hash of a key for `api.auth.keys` in the config file.
 */
export function register(program: Command): void {
  const cmd = program.command('api-key').description('manage API keys (see docs/api.md)');
  cmd
    .command('create')
    .description('create a key in the database and print it once')
    .requiredOption('--name <name>', 'who or what uses the key (shown in audit trails)')
    .addOption(
      new Option('--role <role>', 'viewer, analyst or admin').choices([...API_ROLES]).default('viewer'),
    )
    .action(async (opts: { name: string; role: ApiRole }, sub: Command) => {
      await withKeys(sub, async (keys, audit) => {
        const { id, key } = await keys.create(opts.name, opts.role, 'cli');
        await audit.record(CLI_ACTOR, 'key.create', id, { name: opts.name, role: opts.role });
        process.stdout.write(`${key}\n`);
        process.stderr.write(`created key ${id} (${opts.role}); it is not shown again\n`);
      });
    });
  cmd
    .command('list')
    .description('list database keys (never the keys themselves)')
    .action(async (_opts: unknown, sub: Command) => {
      await withKeys(sub, async (keys) => {
        for (const k of await keys.list()) {
          process.stdout.write(`${k.id}\t${k.role}\t${k.name}\t${k.createdAt}\t${k.createdBy}\n`);
        }
      });
    });
  cmd
    .command('revoke <id>')
    .description('revoke a database key')
    .action(async (id: string, _opts: unknown, sub: Command) => {
      await withKeys(sub, async (keys, audit) => {
        const name = await keys.revoke(id);
        if (!name) {
          process.stderr.write(`no active key ${id}\n`);
          process.exitCode = 1;
          return;
        }
        await audit.record(CLI_ACTOR, 'key.revoke', id, { name });
      });
    });
  cmd
    .command('hash')
    .description('read a key on stdin and print its hash for api.auth.keys[].hash')
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const key = Buffer.concat(chunks).toString('utf8').trim();
      process.stdout.write(`${hashKey(key)}\n`);
    });
}

/** Key changes from the CLI are audited like the API's (docs/api.md), with the actor `cli`. */
const CLI_ACTOR = { id: 'cli', kind: 'cli' };

async function withKeys(sub: Command, fn: (keys: KeyStore, audit: AuditLog) => Promise<void>): Promise<void> {
  const config = resolveConfig(sub.optsWithGlobals<GlobalOptions>());
  const app = await openApp(config);
  try {
    await fn(new KeyStore(app.db, config.api), new AuditLog(app.db, app.logger, app.now));
  } finally {
    await app.db.close();
  }
}
