/**
 * MongoDB wire-protocol framing (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/):
 * a 16-byte header (messageLength, requestID, responseTo, opCode, all int32 little-endian), then
 * OP_MSG (2013: flagBits, sections of kind 0 = the command document and kind 1 = a document
 * sequence, optional CRC-32C) or the legacy OP_QUERY (2004), which drivers still use for the very
 * first `isMaster`, answered with OP_REPLY (1). Nothing else is spoken; compression is never offered.
 */
import { deserialize, serialize, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const CHECKSUM_PRESENT = 1;
export const MORE_TO_COME = 1 << 1;

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export type Request =
  | { op: 'msg'; header: Header; flags: number; command: Document }
  | { op: 'query'; header: Header; collection: string; command: Document }
  | { op: 'unsupported'; header: Header };

/** Values as the server would see them; 64-bit integers become numbers (the store keeps epoch ms, well within 2^53). */
const DESERIALIZE = { promoteLongs: true, promoteValues: true, promoteBuffers: false } as const;

/** Splits a byte stream into whole messages; returns those complete and the bytes left over. */
export function takeMessages(buffer: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let offset = 0;
  while (buffer.length - offset >= 4) {
    const length = buffer.readInt32LE(offset);
    if (length < 16) throw new Error(`invalid message length ${length}`);
    if (buffer.length - offset < length) break;
    messages.push(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

function readHeader(message: Buffer): Header {
  return { length: message.readInt32LE(0), requestId: message.readInt32LE(4), responseTo: message.readInt32LE(8), opCode: message.readInt32LE(12) };
}

function readCString(buffer: Buffer, offset: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new Error('unterminated cstring');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

export function parseRequest(message: Buffer): Request {
  const header = readHeader(message);
  if (header.opCode === OP_MSG) {
    const flags = message.readUInt32LE(16);
    const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
    let offset = 20;
    let command: Document | undefined;
    const sequences: Record<string, Document[]> = {};
    while (offset < end) {
      const kind = message[offset]!;
      offset += 1;
      if (kind === 0) {
        const size = message.readInt32LE(offset);
        command = deserialize(message.subarray(offset, offset + size), DESERIALIZE);
        offset += size;
      } else if (kind === 1) {
        const size = message.readInt32LE(offset);
        const sectionEnd = offset + size;
        const id = readCString(message, offset + 4);
        const docs: Document[] = [];
        for (let at = id.next; at < sectionEnd; ) {
          const docSize = message.readInt32LE(at);
          docs.push(deserialize(message.subarray(at, at + docSize), DESERIALIZE));
          at += docSize;
        }
        sequences[id.value] = docs;
        offset = sectionEnd;
      } else {
        throw new Error(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!command) throw new Error('OP_MSG without a body section');
    // A document sequence is the same as an array field of the body (what the spec says it stands for).
    return { op: 'msg', header, flags, command: { ...command, ...sequences } };
  }
  if (header.opCode === OP_QUERY) {
    const name = readCString(message, 20);
    const at = name.next + 8; // numberToSkip, numberToReturn
    const size = message.readInt32LE(at);
    return { op: 'query', header, collection: name.value, command: deserialize(message.subarray(at, at + size), DESERIALIZE) };
  }
  return { op: 'unsupported', header };
}

let nextRequestId = 1;

function withHeader(opCode: number, responseTo: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(nextRequestId++, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, body]);
}

export function encodeMsgReply(responseTo: number, doc: Document): Buffer {
  const flags = Buffer.alloc(5); // flagBits 0, then section kind 0
  return withHeader(OP_MSG, responseTo, Buffer.concat([flags, serialize(doc)]));
}

export function encodeQueryReply(responseTo: number, doc: Document): Buffer {
  const fixed = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
  fixed.writeInt32LE(1, 16);
  return withHeader(OP_REPLY, responseTo, Buffer.concat([fixed, serialize(doc)]));
}
