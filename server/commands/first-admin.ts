import { createInterface } from 'node:readline/promises';
import { passwordProblem } from '../../kiosk/auth/password.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { UserStore } from '../../kiosk/store/users.ts';
import { CommandFailure } from './command-failure.ts';
import { type DataOptions, openKioskData } from './kiosk-data.ts';
import { readPassword } from './read-password.ts';

/**
 * A fresh install has no account and no default password: on a terminal, `start` asks for the
 * first admin. Without a terminal it starts anyway and logs how to add one.
 */
export async function firstAdminIfNone(o: DataOptions): Promise<void> {
  const { config, db } = openKioskData(o);
  try {
    const users = new UserStore(db);
    if (config.simulation.demoAccounts || users.count() > 0 || !process.stdin.isTTY) return;
    process.stderr.write(
      '还没有账号。请创建第一个管理员（之后由它添加其他账号）。\nNo accounts yet. Create the first admin (it can add the others).\n',
    );
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const name = (await rl.question('管理员账号名 admin name: ')).trim();
    rl.close();
    if (!name)
      throw new CommandFailure(
        '未输入账号名；请运行 `gate-kiosk user add --name NAME --role admin`',
        'no name given; run `gate-kiosk user add --name NAME --role admin`',
      );
    const password = await readPassword('密码 password');
    const problem = passwordProblem(password);
    if (problem) throw new CommandFailure(problem.zh, problem.en);
    await users.add(name, 'admin', password);
    new AuditLog(db).append('cli', 'user_add', { name, role: 'admin', first: true });
    process.stderr.write(`已创建管理员 "${name}"\nadmin "${name}" created\n`);
  } finally {
    db.close();
  }
}
