/*
 * A real SMTP server in the test process (smtp-server), reading each message with mailparser. It records only what
 * it accepted: a message counts once the server answers 250 to its DATA.
 */
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Map<string, unknown>;
  /** The header lines as sent. */
  headerText: string;
}

export interface SmtpSinkOptions {
  /** Called with each parsed message before the server answers: throw (or return an SMTP error) to refuse it. */
  beforeAccept?: (mail: ReceivedMail) => Promise<void> | void;
  /** Called with each message just after the server answered 250. */
  afterAccept?: (mail: ReceivedMail) => void;
  port?: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Resolves once at least `count` mails matching `filter` were accepted. */
  waitFor(count: number, filter?: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed: any) => {
          const mail: ReceivedMail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            messageId: parsed.messageId ?? "",
            headers: parsed.headers,
            headerText: (parsed.headerLines ?? []).map((l: { line: string }) => l.line.replace(/\r?\n[ \t]+/g, " ")).join("\n"),
          };
          await options.beforeAccept?.(mail);
          mails.push(mail);
          callback();
          options.afterAccept?.(mail);
        })
        .catch((error: Error & { responseCode?: number }) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  server.on("error", () => undefined);
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitFor(count, filter = () => true, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.filter(filter);
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`Expected ${count} mails, got ${found.length}: ${mails.map((m) => m.subject).join(" | ")}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
