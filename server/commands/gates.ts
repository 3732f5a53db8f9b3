import type { Command } from 'commander';
import { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { CommandFailure } from './command-failure.ts';
import { type DataOptions, openKioskData, withDataOptions } from './kiosk-data.ts';

/**
 * `gate-kiosk gate add|list|revoke`, run on the school's desk: the gate kiosks that send it their
 * records and read the roster and people's states from it.
 */
export function registerGateCommands(program: Command): void {
  const gate = program
    .command('gate')
    .description('on the school desk: the gate kiosks that send it records (a token per gate)');
  withDataOptions(
    gate
      .command('add')
      .description("add a gate; prints its token as the last line (put it in the gate's desk.tokenFile)")
      .requiredOption('--id <id>', 'the gate’s id, e.g. north')
      .requiredOption('--name <name>', 'the gate’s name, e.g. 北门'),
  ).action((o: DataOptions & { id: string; name: string }) => {
    const { config, db } = openKioskData(o);
    try {
      if (config.desk) {
        throw new CommandFailure(
          '这台 kiosk 是一个大门（配置里有 desk）：请在学校总台上添加大门',
          'this kiosk is a gate (its config names a desk): add gates on the school desk',
        );
      }
      const { gate: added, token } = new GateRegistry(db).add(o.id, o.name);
      new AuditLog(db).append('cli', 'gate_add', { id: added.id, name: added.name });
      process.stdout.write(
        `已添加大门 ${added.id}“${added.name}”。把下面的令牌写入该大门配置 desk.tokenFile 指向的文件（权限 600）；它只显示这一次。\n` +
          `gate ${added.id} "${added.name}" added. Put the token below in the file the gate's desk.tokenFile names (mode 600); it is shown only this once.\n` +
          `${token}\n`,
      );
    } finally {
      db.close();
    }
  });
  withDataOptions(gate.command('list').description('list the gates').option('--json', 'print JSON')).action(
    (o: DataOptions & { json?: boolean }) => {
      const { db } = openKioskData(o);
      try {
        const list = new GateRegistry(db).list();
        if (o.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`);
          return;
        }
        if (list.length === 0) process.stdout.write('还没有大门 / no gates yet\n');
        for (const g of list) {
          const state = g.revokedAt ? `已吊销 revoked ${g.revokedAt}` : '有效 active';
          const seen = g.lastSeen ? `最后联系 last seen ${g.lastSeen}` : '从未联系 never seen';
          const kiosks = g.kiosks.map((k) => k.kioskId).join(',') || '-';
          process.stdout.write(`${g.id}\t${g.name}\t${state}\t${seen}\tkiosks ${kiosks}\n`);
        }
      } finally {
        db.close();
      }
    },
  );
  withDataOptions(
    gate
      .command('revoke')
      .description('revoke a gate’s token: it is cut off within seconds')
      .argument('<id>'),
  ).action((id: string, o: DataOptions) => {
    const { db } = openKioskData(o);
    try {
      if (!new GateRegistry(db).revoke(id)) {
        throw new CommandFailure(`没有有效的大门“${id}”`, `no active gate "${id}"`);
      }
      new AuditLog(db).append('cli', 'gate_revoke', { id });
      process.stdout.write(
        `已吊销大门 ${id} 的令牌：几秒内断开 / revoked gate ${id}: it is cut off within seconds\n`,
      );
    } finally {
      db.close();
    }
  });
}
