import { existsSync, realpathSync, statSync } from 'node:fs';
import { listPorts, type PortListing } from '../../drivers/transport/port-locator.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { groupsOf, run } from '../service/system.ts';
import { canReadWrite } from './access.ts';
import { type CheckResult, pass, problem, type Subject, skip } from './check.ts';

/** Each configured serial device: present (by path or USB ids) and openable by the subject. */
export async function deviceChecks(config: KioskConfig, subject: Subject): Promise<CheckResult[]> {
  let ports: PortListing[] | null = null;
  const out: CheckResult[] = [];
  for (const lane of config.lanes) {
    for (const d of lane.devices) {
      const id = `device.${lane.id}.${d.id}`;
      const what = {
        zh: `设备 ${d.id}（${lane.name}，${d.model}）`,
        en: `device ${d.id} (lane ${lane.id}, ${d.model})`,
      };
      if (d.port === 'simulated') {
        out.push(skip(id, `${what.zh}是模拟设备`, `${what.en} is simulated`));
        continue;
      }
      let path: string | null = null;
      let spec: string;
      if (d.usb) {
        spec = `usb ${d.usb.vendorId}:${d.usb.productId}${d.usb.serialNumber ? ` ${d.usb.serialNumber}` : ''}`;
        ports ??= await listPorts().catch(() => []);
        const want = d.usb;
        path =
          ports.find(
            (p) =>
              p.vendorId === want.vendorId.toLowerCase() &&
              p.productId === want.productId.toLowerCase() &&
              (want.serialNumber === undefined || p.serialNumber === want.serialNumber),
          )?.path ?? null;
      } else {
        spec = d.port ?? '';
        path = existsSync(spec) ? spec : null;
      }
      if (path === null) {
        out.push(
          problem(
            id,
            'fail',
            { zh: `${what.zh}不在：${spec}`, en: `${what.en} is not there: ${spec}` },
            {
              zh: '检查线缆和供电，重新插上；sudo gate-kiosk ports 列出本机的串口及其 by-id 链接和 USB 编号，与配置对照',
              en: 'check its cable and power and plug it in again; sudo gate-kiosk ports lists this machine’s serial ports with their by-id links and USB ids to compare with the config',
            },
            { spec },
          ),
        );
        continue;
      }
      if (!canReadWrite(subject, path)) {
        const real = realpathSync(path);
        const st = statSync(real);
        const group = run('getent', ['group', String(st.gid)]).stdout.split(':')[0] || String(st.gid);
        const member = subject.user ? groupsOf(subject.user).includes(group) : false;
        out.push(
          problem(
            id,
            'fail',
            {
              zh: `${what.zh}在 ${real}，但 ${subject.name} 打不开它（属于 ${group} 组${member ? '' : `，${subject.name} 不在该组`}）`,
              en: `${what.en} is at ${real}, but ${subject.name} cannot open it (group ${group}${member ? '' : `, which ${subject.name} is not in`})`,
            },
            {
              zh: `sudo usermod -aG ${group} ${subject.name}，然后重启服务（sudo systemctl restart gate-kiosk）或重新登录`,
              en: `sudo usermod -aG ${group} ${subject.name}, then restart the service (sudo systemctl restart gate-kiosk) or log in again`,
            },
            { spec, path: real, group },
          ),
        );
        continue;
      }
      out.push(
        pass(
          id,
          `${what.zh}在 ${path}，${subject.name} 可打开`,
          `${what.en} is at ${path}, openable by ${subject.name}`,
          {
            spec,
            path,
          },
        ),
      );
    }
  }
  return out;
}
