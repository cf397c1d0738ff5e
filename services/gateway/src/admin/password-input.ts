import { createInterface } from 'node:readline';
import { AdminCliError } from './admin-accounts';

/** Reads everything piped to stdin; the password is its first line. */
async function fromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Asks on the terminal without echoing what is typed. */
function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const output = process.stderr;
    const prompt = createInterface({ input: process.stdin, output, terminal: true });
    // readline echoes through _writeToOutput; writing nothing hides the password.
    const hidden = prompt as unknown as { _writeToOutput: (text: string) => void };
    output.write(question);
    hidden._writeToOutput = () => undefined;
    prompt.question('', (answer) => {
      prompt.close();
      output.write('\n');
      resolve(answer);
    });
  });
}

/** The new admin's password: ADMIN_PASSWORD, else asked twice on a terminal, else the first line of stdin. */
export async function readPassword(fromEnv: string | undefined): Promise<string> {
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) return fromStdin();
  const first = await ask('Password: ');
  const again = await ask('Password again: ');
  if (first !== again) throw new AdminCliError('the two passwords differ');
  return first;
}
