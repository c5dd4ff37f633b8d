// A real SMTP server on 127.0.0.1 that accepts every message and keeps the last ones in memory: the
// embedded default when no SMTP_URL is set (the admin outbox shows each message's content), and the
// server the email tests talk to.
import { SMTPServer } from "smtp-server";

export type CaughtMail = { from: string; to: string[]; raw: string };

export async function startSmtpCatcher(
  port: number,
  { keep = 200, onMessage }: { keep?: number; onMessage?: (mail: CaughtMail) => void } = {},
) {
  const caught: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "Phsar SMTP catcher",
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        };
        caught.push(mail);
        if (caught.length > keep) caught.shift();
        onMessage?.(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === "object" && address ? address.port : port,
    caught,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
