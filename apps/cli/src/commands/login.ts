import type { AuthResponse } from '@ultra/contracts';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { DEFAULT_URL } from '../config/config-store.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { PromptInput } from '../prompt-input.js';

interface LoginFlags {
  email?: string;
  password?: string;
  url?: string;
  json?: boolean;
}

export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('log in (asks for email and password) and store the token in ~/.config/ultra/config.json')
    .addHelpText(
      'after',
      '\nThe token is stored with mode 0600 in $XDG_CONFIG_HOME/ultra/config.json (default ~/.config/ultra).\n' +
        'With ULTRA_TOKEN set and no --email, that token is checked and stored instead.\n' +
        'Piped stdin answers the prompts: printf "me@example.com\\nmy password\\n" | ultra login',
    )
    .option('--email <email>', 'account email')
    .option('--password <password>', 'password (prefer the prompt or stdin: flags show in `ps`)')
    .option('--url <url>', `API base URL to store (default: ULTRA_URL, the stored URL, or ${DEFAULT_URL})`)
    .option('--json', "print the API's JSON answer")
    .action((flags: LoginFlags) => login(ctx, flags));
}

async function login(ctx: CliContext, flags: LoginFlags): Promise<void> {
  const stored = await ctx.store.read();
  const url = (flags.url ?? ctx.env.url ?? stored.url ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!flags.email && ctx.env.token) {
    // Check the token before keeping it: any authenticated route will do.
    const client = new ApiClient({ url, token: ctx.env.token, tokenFromEnv: true });
    await client.json('GET', '/api/available-models');
    await ctx.store.write({ url, token: ctx.env.token });
    if (flags.json) ctx.printJson({ url, configPath: ctx.store.path });
    else ctx.note(`stored ULTRA_TOKEN for ${url} in ${ctx.store.path}`);
    return;
  }
  let { email, password } = flags;
  if (!email || !password) {
    const input = new PromptInput(ctx.io);
    try {
      email ??= (await input.ask('Email: '))?.trim();
      password ??= await input.ask('Password: ', { hidden: true });
    } finally {
      input.close();
    }
  }
  if (!email || !password) throw new CliError('login needs an email and a password', ExitCode.Usage);
  const client = new ApiClient({ url, tokenFromEnv: false });
  const answer = await client.json<AuthResponse>('POST', '/api/auth/login', { body: { email, password } });
  await ctx.store.write({ url, token: answer.accessToken, refreshToken: answer.refreshToken });
  if (flags.json) ctx.printJson(answer);
  else ctx.note(`logged in as ${answer.user.email} at ${url} (token stored in ${ctx.store.path})`);
}
