import { Algorithm, hash } from '@node-rs/argon2';
import { credentialsSchema } from '@ultra/contracts';
import { ApiException, ConfigValidationError, dataSourceOptions, loadConfig } from '@ultra/platform';
import { Command, CommanderError } from 'commander';
import { DataSource } from 'typeorm';
import { AdminAccounts, AdminCliError } from './admin/admin-accounts';
import { readPassword } from './admin/password-input';
import { PasswordPolicyService } from './auth/password-policy.service';
import { type AdminCliConfig, adminCliConfig, SERVICE_NAME } from './config/gateway.config';
import { gatewayDatabase } from './migrations/gateway-database';

/**
 * `npm run admin -- <command> <email>` (node dist/admin-cli.js): manages admins on the gateway's database
 * (DATABASE_URL). The only way to make the first admin: no HTTP route can. Exit 0 done, 1 failed, 2 bad usage.
 */
async function withAccounts<T>(config: AdminCliConfig, work: (accounts: AdminAccounts) => Promise<T>): Promise<T> {
  const db = new DataSource({ ...dataSourceOptions(config, gatewayDatabase), extra: { max: 1 } });
  await db.initialize();
  try {
    return await work(new AdminAccounts(db));
  } finally {
    await db.destroy();
  }
}

function emailOf(value: string): string {
  const parsed = credentialsSchema.shape.email.safeParse(value);
  if (!parsed.success) throw new AdminCliError(`${JSON.stringify(value)} is not a valid email address`);
  return parsed.data;
}

async function create(config: AdminCliConfig, rawEmail: string): Promise<string> {
  const email = emailOf(rawEmail);
  const password = await readPassword(config.ADMIN_PASSWORD);
  // The sign-up rule: an admin's password is worth more than anyone's.
  new PasswordPolicyService(config).check(password, email);
  // As AuthService hashes (argon2id), without loading the HTTP app.
  const passwordHash = await hash(password, { algorithm: Algorithm.Argon2id });
  const id = await withAccounts(config, (accounts) => accounts.create(email, passwordHash, config.DEFAULT_TIER));
  return `created admin ${email} (${id})`;
}

async function main(argv: string[]): Promise<void> {
  // Read only when a command runs, so --help works without a database.
  const config = (): AdminCliConfig => loadConfig(SERVICE_NAME, adminCliConfig);
  const say = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const program = new Command('npm run admin --')
    .description('Manage Ultra administrators on the gateway database (DATABASE_URL).')
    .exitOverride()
    .showHelpAfterError();
  program
    .command('create <email>')
    .description('create an admin account; the password comes from ADMIN_PASSWORD, the terminal, or stdin')
    .action(async (email: string) => say(await create(config(), email)));
  program
    .command('promote <email>')
    .description('make an existing account an admin')
    .action(async (email: string) => say(await withAccounts(config(), (a) => a.promote(emailOf(email)))));
  program
    .command('disable <email>')
    .description('disable an account: it cannot sign in, and its tokens stop working at once')
    .action(async (email: string) => say(await withAccounts(config(), (a) => a.setDisabled(emailOf(email), true))));
  program
    .command('enable <email>')
    .description('enable a disabled account again')
    .action(async (email: string) => say(await withAccounts(config(), (a) => a.setDisabled(emailOf(email), false))));
  await program.parseAsync(argv);
}

main(process.argv).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    const known =
      error instanceof AdminCliError || error instanceof ConfigValidationError || error instanceof ApiException;
    const detail = error instanceof Error ? (known ? error.message : (error.stack ?? error.message)) : String(error);
    process.stderr.write(`admin: ${detail}\n`);
    process.exit(1);
  },
);
