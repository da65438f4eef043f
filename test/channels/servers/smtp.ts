import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface FakeSmtp {
  port: number;
  /** Parsed messages, in the order they finished arriving. */
  messages: ParsedMail[];
  /** Raw envelopes: MAIL FROM and RCPT TO as the server saw them. */
  envelopes: { from: string; to: string[] }[];
  connections: number;
  /** When false, messages are counted but not parsed (for throughput measurements). */
  parse: boolean;
  received: number;
  close(): Promise<void>;
}

/** Recipients the server refuses: permanently (550) and for now (451). */
export const SMTP_UNKNOWN_USER = 'nobody@example.com';
export const SMTP_TEMP_FAIL = 'greylisted@example.com';

/** An SMTP server on 127.0.0.1 that requires AUTH (PLAIN/LOGIN) and parses what it receives. */
export async function startSmtp(user: string, pass: string): Promise<FakeSmtp> {
  const state: FakeSmtp = {
    port: 0,
    messages: [],
    envelopes: [],
    connections: 0,
    parse: true,
    received: 0,
    close: async () => {},
  };
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    maxClients: 100,
    onConnect(_session, cb) {
      state.connections += 1;
      cb();
    },
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (address.address === SMTP_UNKNOWN_USER)
        return cb(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      if (address.address === SMTP_TEMP_FAIL)
        return cb(Object.assign(new Error('4.7.1 Greylisted, try again later'), { responseCode: 451 }));
      cb();
    },
    onData(stream, session, cb) {
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      if (!state.parse) {
        stream.on('data', () => {});
        stream.on('end', () => {
          state.received += 1;
          cb();
        });
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          state.messages.push(mail);
          state.envelopes.push(envelope);
          state.received += 1;
          cb();
        })
        .catch((e: Error) => cb(e));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
