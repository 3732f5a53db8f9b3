import { createInterface } from 'node:readline';
import { CommandFailure } from './command-failure.ts';

/**
 * A password from standard input, never from the command line (where `ps` and shell history show
 * it): asked twice without echo on a terminal, or the first line of piped input.
 */
export async function readPassword(prompt = 'password'): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.split(/\r?\n/)[0] ?? '';
  }
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const out = rl as unknown as { _writeToOutput: (s: string) => void };
      let asked = false;
      out._writeToOutput = (s: string) => {
        if (!asked) {
          process.stderr.write(s);
          asked = true;
        }
      };
      rl.question(`${question}: `, (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask(prompt);
  const again = await ask(`${prompt} again`);
  if (first !== again) throw new CommandFailure('两次输入的密码不一致', 'the two passwords differ');
  return first;
}
