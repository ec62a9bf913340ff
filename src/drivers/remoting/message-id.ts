/**
 * Client-side unique message ids (`UNIQ_KEY`), laid out like Java's `MessageClientIDSetter`:
 * ip(4) pid(2) random(4) | ms since the start of the month(4) counter(2), as upper-case hex.
 * The layout matters because RocketMQ tools decode the ip, pid and time from it
 * (`queryMsgById`, the dashboard), so ids from this driver read back sensibly there.
 */
import os from 'node:os';
import { randomInt } from 'node:crypto';

let prefix: string | undefined;
let counter = 0;
let monthStart = 0;
let nextMonthStart = 0;

function fixedPart(): string {
  if (prefix === undefined) {
    const buf = Buffer.alloc(10);
    ipv4Bytes().copy(buf, 0);
    buf.writeUInt16BE(process.pid & 0xffff, 4);
    // Java uses the class loader's hash code: any per-process random value serves.
    buf.writeInt32BE(randomInt(-(2 ** 31), 2 ** 31 - 1), 6);
    prefix = buf.toString('hex').toUpperCase();
  }
  return prefix;
}

function ipv4Bytes(): Buffer {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family === 'IPv4' && !info.internal) return Buffer.from(info.address.split('.').map(Number));
    }
  }
  return Buffer.from([127, 0, 0, 1]);
}

function updateMonth(now: number): void {
  const d = new Date(now);
  monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
  nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
}

export function createUniqId(now = Date.now()): string {
  if (now >= nextMonthStart || now < monthStart) updateMonth(now);
  const tail = Buffer.alloc(6);
  tail.writeInt32BE((now - monthStart) | 0, 0);
  tail.writeUInt16BE(counter, 4);
  counter = (counter + 1) & 0xffff;
  return fixedPart() + tail.toString('hex').toUpperCase();
}
