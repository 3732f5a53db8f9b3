// Writes fixtures/roster/demo-roster.csv: a made-up school of 6 grades × 4 classes plus staff, with a
// few yellow and red codes, stale statuses and unknown ones. Deterministic: the same file every run.
import { writeFileSync } from 'node:fs';

let state = 20261123;
const rand = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const surnames =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const compound = ['欧阳', '司马', '上官', '诸葛', '东方', '慕容'];
const given =
  '子涵欣怡梓轩浩宇雨涵一诺思远宇航佳怡俊杰紫萱明轩晨曦嘉怡博文诗涵睿泽若汐皓然雅琪天佑可馨梓豪语桐沐阳芷若昊天思琪锦程静怡'.match(
    /../g,
  );
const special = ['阿卜杜拉·艾山', '买买提·吐尔逊', '欧阳娜娜', '𠮷田一', '司马懿', '东方明珠'];

const rows = [['学号', '姓名', '年级', '班级', '类型', '卡号', '监护人电话', '住宿', '健康码', '状态时间']];
const today = '2026-11-23 06:00';
const old = '2026-11-20 06:00';
let n = 0;
for (let grade = 1; grade <= 6; grade++) {
  for (let cls = 1; cls <= 4; cls++) {
    for (let i = 0; i < 14; i++) {
      n++;
      const id = `S${String(20260000 + n)}`;
      const name =
        n <= special.length
          ? special[n - 1]
          : (rand() < 0.05 ? pick(compound) : pick(surnames)) + pick(given);
      const card = String(40000000 + n * 7919).padStart(10, '0');
      const phone = `13${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;
      const boarder = grade >= 4 && rand() < 0.3 ? '是' : '否';
      const r = rand();
      const [code, at] =
        r < 0.02
          ? ['红', today]
          : r < 0.06
            ? ['黄', today]
            : r < 0.1
              ? ['绿', old]
              : r < 0.12
                ? ['', '']
                : ['绿', today];
      rows.push([id, name, `${grade}`, `${cls}班`, '学生', card, phone, boarder, code, at]);
    }
  }
}
for (let i = 1; i <= 24; i++) {
  const id = `T${String(1000 + i)}`;
  const name = pick(surnames) + pick(given);
  rows.push([
    id,
    name,
    '',
    '',
    '教职工',
    String(50000000 + i * 104729).padStart(10, '0'),
    '',
    '否',
    i === 7 ? '黄' : '绿',
    today,
  ]);
}
const csv = rows
  .map((r) => r.map((f) => (/[",\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(','))
  .join('\r\n');
writeFileSync(new URL('../fixtures/roster/demo-roster.csv', import.meta.url), `${csv}\r\n`);
console.log(`demo roster: ${rows.length - 1} people`);
