/**
 * A real DNS server on loopback for tests: hand-written RFC 1035 wire format
 * over UDP and TCP on the same port, serving the TXT, A and AAAA records a
 * test sets up. It answers Node's c-ares resolver exactly as an
 * authoritative server would, including truncation, so the code under test
 * runs its real protocol path.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import ipaddr from 'ipaddr.js';

/** How the server treats queries for a name. */
export type DnsMode = 'answer' | 'nxdomain' | 'servfail' | 'silent';

/** One query the server received, in arrival order. */
export interface ReceivedQuery {
  /** The name as it arrived, without the trailing dot (c-ares 1.34 lowercases it). */
  name: string;
  /** The QTYPE, e.g. 16 for TXT. */
  type: number;
  transport: 'udp' | 'tcp';
}

export interface DnsTestServer {
  /** `127.0.0.1:PORT`, usable in `Resolver.setServers`. */
  address: string;
  port: number;
  /**
   * Replaces the TXT records of `name` (case-insensitive). Each element is one
   * TXT RR: a string is split into 255-byte character-strings as real DNS
   * does; an array gives the RR's character-strings explicitly.
   */
  setTxt(name: string, records: string[] | string[][]): void;
  /**
   * Replaces the A and AAAA records of `name` (case-insensitive): each IPv4
   * address becomes an A record, each IPv6 address an AAAA record.
   */
  setAddresses(name: string, addresses: string[]): void;
  /** How queries for `name` are answered; `'answer'` unless set. `'silent'` never replies. */
  setMode(name: string, mode: DnsMode): void;
  /** Every query received so far. */
  queries: ReceivedQuery[];
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_TXT = 16;
const TYPE_AAAA = 28;
const TYPE_OPT = 41;
const TYPE_ANY = 255;
const CLASS_IN = 1;
const RCODE_NOERROR = 0;
const RCODE_FORMERR = 1;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;
const RCODE_NOTIMP = 4;
const OPCODE_QUERY = 0;
const HEADER_BYTES = 12;
/** RFC 1035 §4.2.1: without EDNS a UDP reply may not exceed 512 bytes. */
const CLASSIC_UDP_LIMIT = 512;
const MAX_CHARACTER_STRING_BYTES = 255;
const TTL_SECS = 60;
/** Another process may hold the TCP side of the UDP port the kernel picked. */
const BIND_ATTEMPTS = 20;

class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

interface ParsedQuery {
  id: number;
  /** RD and opcode are echoed from the query. */
  flags: number;
  opcode: number;
  /** The question section exactly as sent, echoed so that c-ares matches it byte for byte. */
  questionBytes: Buffer;
  name: string;
  type: number;
  qclass: number;
  /** The UDP payload size the client advertised in an EDNS OPT record, if any. */
  ednsUdpSize: number | undefined;
}

/** Starts a DNS server on 127.0.0.1 with an ephemeral port. */
export async function startDnsServer(): Promise<DnsTestServer> {
  /** Name → record type → RDATA of each record. */
  const zone = new Map<string, Map<number, Buffer[]>>();
  const modes = new Map<string, DnsMode>();
  const queries: ReceivedQuery[] = [];
  const { udp, tcp } = await bindBoth();
  const port = udp.address().port;
  const connections = new Set<TcpSocket>();

  function respond(message: Buffer, transport: 'udp' | 'tcp', maxBytes: (query: ParsedQuery) => number): Buffer | undefined {
    let query: ParsedQuery;
    try {
      query = parseQuery(message);
    } catch (error) {
      if (!(error instanceof MalformedMessageError) || message.length < HEADER_BYTES) return undefined;
      return encodeHeaderOnly(message.readUInt16BE(0), message.readUInt16BE(2), RCODE_FORMERR);
    }
    queries.push({ name: query.name, type: query.type, transport });
    if (query.opcode !== OPCODE_QUERY) return encodeResponse(query, RCODE_NOTIMP, [], Infinity);
    const key = normalizeName(query.name);
    const mode = modes.get(key) ?? 'answer';
    switch (mode) {
      case 'silent':
        return undefined;
      case 'servfail':
        return encodeResponse(query, RCODE_SERVFAIL, [], Infinity);
      case 'nxdomain':
        return encodeResponse(query, RCODE_NXDOMAIN, [], Infinity);
      case 'answer': {
        const records = query.qclass === CLASS_IN ? zone.get(key) : undefined;
        const answers = [...(records ?? new Map<number, Buffer[]>())].flatMap(([type, rdatas]) =>
          query.type === type || query.type === TYPE_ANY ? rdatas.map((rdata) => ({ type, rdata })) : [],
        );
        return encodeResponse(query, RCODE_NOERROR, answers, maxBytes(query));
      }
    }
  }

  udp.on('message', function onUdpMessage(message: Buffer, remote: RemoteInfo) {
    const reply = respond(message, 'udp', (query) => Math.max(CLASSIC_UDP_LIMIT, query.ednsUdpSize ?? 0));
    if (reply) udp.send(reply, remote.port, remote.address);
  });

  tcp.on('connection', function onTcpConnection(socket: TcpSocket) {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', function onTcpData(chunk: Buffer) {
      pending = Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2: each message is prefixed with its two-byte length.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) return;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const reply = respond(message, 'tcp', () => 0xffff);
        if (!reply) continue;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([prefix, reply]));
      }
    });
  });

  return {
    address: `127.0.0.1:${port}`,
    port,
    queries,
    setTxt(name, records) {
      const key = normalizeName(name);
      const types = zone.get(key) ?? new Map<number, Buffer[]>();
      types.set(
        TYPE_TXT,
        records.map((record: string | string[]) => encodeTxtRdata(typeof record === 'string' ? splitCharacterStrings(record) : record.map(toCharacterString))),
      );
      zone.set(key, types);
    },
    setAddresses(name, addresses) {
      const key = normalizeName(name);
      const types = zone.get(key) ?? new Map<number, Buffer[]>();
      types.set(TYPE_A, addresses.filter((address) => isIP(address) === 4).map(encodeAddress));
      types.set(TYPE_AAAA, addresses.filter((address) => isIP(address) === 6).map(encodeAddress));
      zone.set(key, types);
    },
    setMode(name, mode) {
      modes.set(normalizeName(name), mode);
    },
    async close() {
      for (const socket of connections) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve, reject) => tcp.close((error) => (error ? reject(error) : resolve()))),
      ]);
    },
  };
}

/** Binds UDP to a kernel-chosen port, then TCP to the same port, retrying if TCP's is taken. */
async function bindBoth(): Promise<{ udp: UdpSocket; tcp: TcpServer }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const tcp = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, '127.0.0.1', () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp };
    } catch (error) {
      lastError = error;
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    }
  }
  throw new Error(`could not bind UDP and TCP to the same port on 127.0.0.1 after ${BIND_ATTEMPTS} attempts`, { cause: lastError });
}

/** DNS names compare case-insensitively (RFC 4343) and the root label is implied. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function splitCharacterStrings(record: string): Buffer[] {
  const bytes = Buffer.from(record, 'utf8');
  if (bytes.length === 0) return [bytes];
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += MAX_CHARACTER_STRING_BYTES) {
    parts.push(bytes.subarray(offset, offset + MAX_CHARACTER_STRING_BYTES));
  }
  return parts;
}

function toCharacterString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_CHARACTER_STRING_BYTES) {
    throw new RangeError(`Expected a TXT character-string of at most ${MAX_CHARACTER_STRING_BYTES} bytes, got ${bytes.length} bytes: \`${text.slice(0, 40)}…\``);
  }
  return bytes;
}

/** An A or AAAA record's RDATA: the address's 4 or 16 bytes in network order. */
function encodeAddress(address: string): Buffer {
  return Buffer.from(ipaddr.parse(address).toByteArray());
}

function encodeTxtRdata(strings: Buffer[]): Buffer {
  return Buffer.concat(strings.flatMap((bytes) => [Buffer.from([bytes.length]), bytes]));
}

function parseQuery(message: Buffer): ParsedQuery {
  if (message.length < HEADER_BYTES) throw new MalformedMessageError(`message of ${message.length} bytes is shorter than a header`);
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  if (flags & 0x8000) throw new MalformedMessageError('QR is set: this is a response, not a query');
  const qdcount = message.readUInt16BE(4);
  const ancount = message.readUInt16BE(6);
  const nscount = message.readUInt16BE(8);
  const arcount = message.readUInt16BE(10);
  if (qdcount !== 1) throw new MalformedMessageError(`expected one question, got ${qdcount}`);

  const questionStart = HEADER_BYTES;
  const { name, end: nameEnd } = readName(message, questionStart);
  const type = readUInt16(message, nameEnd);
  const qclass = readUInt16(message, nameEnd + 2);
  let offset = nameEnd + 4;
  const questionBytes = message.subarray(questionStart, offset);

  let ednsUdpSize: number | undefined;
  for (let i = 0; i < ancount + nscount + arcount; i++) {
    const rr = readResourceRecordHeader(message, offset);
    if (rr.type === TYPE_OPT) ednsUdpSize = rr.rrclass;
    offset = rr.end;
  }
  return { id, flags, opcode: (flags >> 11) & 0xf, questionBytes, name, type, qclass, ednsUdpSize };
}

function readUInt16(message: Buffer, offset: number): number {
  if (offset + 2 > message.length) throw new MalformedMessageError(`message ends at byte ${message.length}, inside a field at ${offset}`);
  return message.readUInt16BE(offset);
}

/** Reads a possibly compressed name; `end` is where the name ends at its original position. */
function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  let end: number | undefined;
  // Each pointer must go strictly backwards, so a malicious loop cannot hang the server.
  let pointerLimit = start;
  for (;;) {
    const length = message[offset];
    if (length === undefined) throw new MalformedMessageError(`name at ${start} runs past the end of the message`);
    if ((length & 0xc0) === 0xc0) {
      const target = readUInt16(message, offset) & 0x3fff;
      if (target >= pointerLimit) throw new MalformedMessageError(`compression pointer at ${offset} does not point backwards`);
      end ??= offset + 2;
      pointerLimit = target;
      offset = target;
      continue;
    }
    if (length & 0xc0) throw new MalformedMessageError(`unsupported label type 0x${length.toString(16)} at ${offset}`);
    if (length === 0) return { name: labels.join('.'), end: end ?? offset + 1 };
    if (offset + 1 + length > message.length) throw new MalformedMessageError(`label at ${offset} runs past the end of the message`);
    labels.push(message.toString('latin1', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
}

function readResourceRecordHeader(message: Buffer, start: number): { type: number; rrclass: number; end: number } {
  const { end: nameEnd } = readName(message, start);
  const type = readUInt16(message, nameEnd);
  const rrclass = readUInt16(message, nameEnd + 2);
  const rdlength = readUInt16(message, nameEnd + 8);
  const end = nameEnd + 10 + rdlength;
  if (end > message.length) throw new MalformedMessageError(`record data at ${nameEnd + 10} runs past the end of the message`);
  return { type, rrclass, end };
}

function encodeHeaderOnly(id: number, queryFlags: number, rcode: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(responseFlags(queryFlags, rcode, false), 2);
  return header;
}

/** QR, AA and RA set; opcode and RD echoed from the query. */
function responseFlags(queryFlags: number, rcode: number, truncated: boolean): number {
  const opcodeAndRd = queryFlags & 0x7900;
  return 0x8000 | opcodeAndRd | 0x0400 | (truncated ? 0x0200 : 0) | 0x0080 | rcode;
}

/**
 * Builds a reply; if the answers do not fit in `maxBytes`, sends the question
 * alone with TC set, which makes the client retry over TCP (RFC 7766).
 */
function encodeResponse(query: ParsedQuery, rcode: number, records: { type: number; rdata: Buffer }[], maxBytes: number): Buffer {
  // Every answer names the question by a pointer to offset 12, where the question name starts.
  const answers = records.map(function encodeAnswer({ type, rdata }) {
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc000 | HEADER_BYTES, 0);
    fixed.writeUInt16BE(type, 2);
    fixed.writeUInt16BE(CLASS_IN, 4);
    fixed.writeUInt32BE(TTL_SECS, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  const full = HEADER_BYTES + query.questionBytes.length + answers.reduce((sum, answer) => sum + answer.length, 0);
  const truncated = full > maxBytes;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(query.id, 0);
  header.writeUInt16BE(responseFlags(query.flags, rcode, truncated), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(truncated ? 0 : answers.length, 6);
  return Buffer.concat([header, query.questionBytes, ...(truncated ? [] : answers)]);
}
