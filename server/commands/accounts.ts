import { type Command, InvalidArgumentError } from 'commander';
import { passwordProblem } from '../../kiosk/auth/password.ts';
import { isRole, type Role, roles } from '../../kiosk/auth/roles.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import { UserError, UserStore } from '../../kiosk/store/users.ts';
import { CommandFailure } from './command-failure.ts';
import { type DataOptions, openKioskData, withDataOptions } from './kiosk-data.ts';
import { readPassword } from './read-password.ts';

/** An account or display command that cannot do what was asked; said in Chinese, then English. */
export class AccountFailure extends CommandFailure {}

/** A store's refusal in both languages; anything else as it is. */
const accountFailure = (err: unknown) =>
  err instanceof UserError ? new AccountFailure(err.zh, err.en) : (err as Error);

function role(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`one of ${roles.join(', ')}`);
  return value;
}

async function newPassword(): Promise<string> {
  const password = await readPassword('新密码 new password');
  const problem = passwordProblem(password);
  if (problem) throw new AccountFailure(problem.zh, problem.en);
  return password;
}

/** `gate-kiosk user add|list|disable|passwd`: accounts; passwords come from standard input. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('accounts: guard, nurse, admin, maintenance');
  withDataOptions(
    user
      .command('add')
      .description('add an account; the password is read from standard input')
      .requiredOption('--name <name>', 'login name')
      .requiredOption('--role <role>', roles.join(' | '), role),
  ).action(async (o: DataOptions & { name: string; role: Role }) => {
    const password = await newPassword();
    const { db } = openKioskData(o);
    try {
      const added = await new UserStore(db).add(o.name, o.role, password).catch((err: unknown) => {
        throw accountFailure(err);
      });
      new AuditLog(db).append('cli', 'user_add', { name: added.name, role: added.role });
      process.stdout.write(
        `已添加 ${added.role} 账号 "${added.name}"\nadded ${added.role} "${added.name}"\n`,
      );
    } finally {
      db.close();
    }
  });
  withDataOptions(user.command('list').description('list accounts').option('--json', 'print JSON')).action(
    (o: DataOptions & { json?: boolean }) => {
      const { db } = openKioskData(o);
      try {
        const list = new UserStore(db).list();
        if (o.json) process.stdout.write(`${JSON.stringify(list)}\n`);
        else
          for (const u of list)
            process.stdout.write(
              `${u.name}\t${u.role}\t${u.disabledAt ? `disabled ${u.disabledAt}` : 'active'}\n`,
            );
      } finally {
        db.close();
      }
    },
  );
  withDataOptions(
    user.command('disable').description('disable an account and end its sessions').argument('<name>'),
  ).action((name: string, o: DataOptions) => {
    const { db } = openKioskData(o);
    try {
      try {
        new UserStore(db).disable(name);
      } catch (err) {
        throw accountFailure(err);
      }
      new AuditLog(db).append('cli', 'user_disable', { name });
      process.stdout.write(`已停用 "${name}"\ndisabled "${name}"\n`);
    } finally {
      db.close();
    }
  });
  withDataOptions(
    user.command('passwd').description('set a new password (read from standard input)').argument('<name>'),
  ).action(async (name: string, o: DataOptions) => {
    const password = await newPassword();
    const { db } = openKioskData(o);
    try {
      await new UserStore(db).setPassword(name, password).catch((err: unknown) => {
        throw accountFailure(err);
      });
      new AuditLog(db).append('cli', 'user_passwd', { name });
      process.stdout.write(
        `"${name}" 的密码已更改，其登录已结束\npassword changed for "${name}"; their sessions ended\n`,
      );
    } finally {
      db.close();
    }
  });
}

/** `gate-kiosk display add|list|revoke`: pair gate displays with a token for some lanes. */
export function registerDisplayCommands(program: Command): void {
  const display = program
    .command('display')
    .description('pair gate displays (a link with a token, per lane set)');
  withDataOptions(
    display
      .command('add')
      .description('pair a display for some lanes; prints its URL as the last line')
      .requiredOption('--lanes <ids>', 'lane ids, e.g. 1,2')
      .option('--name <name>', 'where the display stands', 'gate display')
      .option('--url <base>', 'the address displays reach the kiosk at'),
  ).action((o: DataOptions & { lanes: string; name: string; url?: string }) => {
    const { config, db } = openKioskData(o);
    try {
      const lanes = o.lanes
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
      const known = config.lanes.map((l) => l.id);
      const unknown = lanes.filter((l) => !known.includes(l));
      if (lanes.length === 0 || unknown.length > 0) {
        throw new AccountFailure(
          `未知通道 ${unknown.join('、') || '（未指定）'}；已有通道：${known.join('、')}`,
          `unknown lane(s) ${unknown.join(', ') || '(none given)'}; lanes: ${known.join(', ')}`,
        );
      }
      const { display: d, token } = new DisplayTokenStore(db).add(o.name, lanes);
      new AuditLog(db).append('cli', 'display_add', { id: d.id, name: d.name, lanes });
      const base = o.url ?? `http://${config.server.host}:${config.server.port}`;
      process.stdout.write(
        `显示屏 ${d.id} "${d.name}"，通道 ${lanes.join('、')}\n` +
          `display ${d.id} "${d.name}" for lanes ${lanes.join(', ')}\n${base}/display?token=${token}\n`,
      );
    } finally {
      db.close();
    }
  });
  withDataOptions(
    display.command('list').description('list paired displays').option('--json', 'print JSON'),
  ).action((o: DataOptions & { json?: boolean }) => {
    const { db } = openKioskData(o);
    try {
      const list = new DisplayTokenStore(db).list();
      if (o.json) process.stdout.write(`${JSON.stringify(list)}\n`);
      else
        for (const d of list)
          process.stdout.write(
            `${d.id}\t${d.name}\tlanes ${d.lanes.join(',')}\t${d.revokedAt ? `revoked ${d.revokedAt}` : 'active'}\n`,
          );
    } finally {
      db.close();
    }
  });
  withDataOptions(display.command('revoke').description('revoke a display’s token').argument('<id>')).action(
    (id: string, o: DataOptions) => {
      const { db } = openKioskData(o);
      try {
        if (!new DisplayTokenStore(db).revoke(Number(id)))
          throw new AccountFailure(`没有使用中的显示屏 ${id}`, `no active display ${id}`);
        new AuditLog(db).append('cli', 'display_revoke', { id: Number(id) });
        process.stdout.write(
          `已撤销显示屏 ${id}，15 秒内断开\nrevoked display ${id}; it is disconnected within 15 s\n`,
        );
      } finally {
        db.close();
      }
    },
  );
}
