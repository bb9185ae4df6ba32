/**
 * A Mailpit of a test's own (free SMTP and HTTP ports, its own database file) that the test can
 * stop and start again on the same ports: a real SMTP server, and an outage on demand. The e2e
 * and integration tests read what it received through its HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ensureMailpitBinary } from './mailpit-binary.js';

/** As for FerretDB: under `sh`, killed when our end of its stdin closes, so none outlives vitest. */
const WATCHDOG = `
trap '' INT
exec 3<&0
"$@" </dev/null >/dev/null &
pid=$!
echo "pid $pid"
( read -r _ <&3; kill "$pid" 2>/dev/null ) &
wait "$pid"
`;

export interface ReceivedMail {
  readonly id: string;
  readonly messageId: string;
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly date: string;
  readonly text: string;
  readonly html: string;
}

export interface MailpitProcess {
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  readonly smtpUrl: string;
  readonly apiUrl: string;
  running(): boolean;
  /** Every message received, oldest first, with its parts. */
  messages(): Promise<ReceivedMail[]>;
  /** Waits until `count` messages match, then a short while more to see that no extra arrives. */
  waitFor(
    match: (mail: ReceivedMail) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<ReceivedMail[]>;
  /** Stops the server (SIGTERM); its database file stays. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

interface MessageSummary {
  readonly ID: string;
}
interface MessageDetail {
  readonly ID: string;
  readonly MessageID: string;
  readonly From: { readonly Address: string };
  readonly To: readonly { readonly Address: string }[];
  readonly Subject: string;
  readonly Date: string;
  readonly Text: string;
  readonly HTML: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startMailpit(): Promise<MailpitProcess> {
  const binary = await ensureMailpitBinary();
  const dir = await mkdtemp(join(tmpdir(), 'mailpit-'));
  const smtpPort = await freePort();
  const httpPort = await freePort();
  const apiUrl = `http://127.0.0.1:${httpPort}`;
  let current: { watchdog: ChildProcess; pid: number; exited: Promise<void> } | null = null;

  const start = async (): Promise<void> => {
    const args = [
      '--smtp',
      `127.0.0.1:${smtpPort}`,
      '--listen',
      `127.0.0.1:${httpPort}`,
      '--database',
      join(dir, 'mailpit.db'),
      '--quiet',
      '--disable-version-check',
    ];
    const watchdog = spawn('sh', ['-c', WATCHDOG, 'mailpit-watchdog', binary, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      watchdog.stdout?.on('data', (chunk: Buffer) => {
        const match = /pid (\d+)/.exec((out += chunk.toString()));
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      });
      watchdog.once('exit', (code) => reject(new Error(`Mailpit exited with ${String(code)}`)));
    });
    current = { watchdog, pid, exited };
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${apiUrl}/api/v1/messages`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || watchdog.exitCode !== null) throw new Error('Mailpit did not start');
      await sleep(100);
    }
  };

  const stop = async (): Promise<void> => {
    const running = current;
    if (running === null) return;
    current = null;
    try {
      process.kill(running.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await running.exited;
    running.watchdog.stdin?.destroy();
  };

  const messages = async (): Promise<ReceivedMail[]> => {
    const list = (await (await fetch(`${apiUrl}/api/v1/messages?limit=1000`)).json()) as {
      messages: MessageSummary[];
    };
    const details = await Promise.all(
      list.messages.map(
        async (m) => (await (await fetch(`${apiUrl}/api/v1/message/${m.ID}`)).json()) as MessageDetail,
      ),
    );
    return details
      .map((d) => ({
        id: d.ID,
        messageId: d.MessageID,
        to: d.To.map((t) => t.Address),
        from: d.From.Address,
        subject: d.Subject,
        date: d.Date,
        text: d.Text,
        html: d.HTML,
      }))
      .reverse();
  };

  await start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    apiUrl,
    running: () => current !== null,
    messages,
    waitFor: async (match, count = 1, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await messages()).filter(match);
        if (found.length >= count) {
          // Extra copies (a double send) would arrive within a few sender passes.
          await sleep(700);
          return (await messages()).filter(match);
        }
        if (Date.now() > deadline) return found;
        await sleep(150);
      }
    },
    stop,
    start,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The token of a reset or verification mail: the `Token:` line of its text part. */
export const tokenIn = (mail: ReceivedMail): string => {
  const match = /^Token: (\S+)$/m.exec(mail.text);
  if (match?.[1] === undefined) throw new Error(`no Token line in: ${mail.text}`);
  return match[1];
};
