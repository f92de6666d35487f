import type { Filter } from 'mongodb';
import type { JobDoc, Collections } from './collections.js';

/** How many due lane heads one look-up returns at most: the claim walks them until it has enough. */
const HEADS_PER_LOOKUP = 64;

/** A head is due when pending and its time has come, or running with a lease that expired (take-over). */
export const dueFilter = (t: number): Filter<JobDoc> => ({
  $or: [
    { status: 'pending', runAt: { $lte: t } },
    { status: 'running', lockedUntil: { $lt: t } },
  ],
});

/**
 * The ids of due lane heads, oldest first. A lane's head is its oldest unfinished job; only the
 * head may run, and only when no other job of its lane runs. The unfinished jobs are read through
 * the (status, lane, _id) index; finished ones never are.
 */
export async function dueHeads(cols: Collections, t: number): Promise<Head[]> {
  const heads = await cols.jobs
    .aggregate<{ _id: string; head: Pick<JobDoc, '_id' | 'status' | 'runAt' | 'lockedUntil'> }>(
      [
        { $match: { status: { $in: ['pending', 'running'] } } },
        { $sort: { lane: 1, _id: 1 } },
        {
          $group: {
            _id: '$lane',
            head: { $first: { _id: '$_id', status: '$status', runAt: '$runAt', lockedUntil: '$lockedUntil' } },
            running: { $sum: { $cond: [{ $eq: ['$status', 'running'] }, 1, 0] } },
          },
        },
        // A pending head waits while a later job of its lane runs (one an operator's retry of an older dead job overtook).
        { $match: { $or: [{ 'head.status': 'pending', 'head.runAt': { $lte: t }, running: 0 }, { 'head.status': 'running', 'head.lockedUntil': { $lt: t } }] } },
        { $sort: { 'head._id': 1 } },
        { $limit: HEADS_PER_LOOKUP },
      ],
      { maxTimeMS: 10_000 },
    )
    .toArray();
  return heads.map((h) => ({ id: h.head._id, lane: h._id }));
}

export interface Head {
  id: number;
  lane: string;
}

/**
 * Whether a head an earlier walk found is still its lane's head with nothing else of its lane
 * running: one probe of the (status, lane, _id) index instead of a new walk.
 */
export async function stillHead(cols: Collections, head: Head): Promise<boolean> {
  const other = await cols.jobs.findOne(
    { status: { $in: ['pending', 'running'] }, lane: head.lane, _id: { $ne: head.id }, $or: [{ _id: { $lt: head.id } }, { status: 'running' }] },
    { projection: { _id: 1 } },
  );
  return other === null;
}

/**
 * Leases one head to `workerId`, atomically: findAndModify matches it only while it is still due,
 * so of two workers racing for it one gets the document and the other null. A take-over (the
 * lease had expired) counts a crash; attempts, the fencing token, moves on either way.
 */
export async function claimOne(cols: Collections, id: number, workerId: string, t: number, leaseMs: number): Promise<JobDoc | null> {
  return cols.jobs.findOneAndUpdate(
    { _id: id, ...dueFilter(t) },
    [
      {
        $set: {
          crashes: { $add: ['$crashes', { $cond: [{ $eq: ['$status', 'running'] }, 1, 0] }] },
          attempts: { $add: ['$attempts', 1] },
          status: { $literal: 'running' },
          lockedBy: { $literal: workerId },
          lockedUntil: { $literal: t + leaseMs },
          firstRunAt: { $ifNull: ['$firstRunAt', { $literal: t }] },
        },
      },
    ],
    { returnDocument: 'after' },
  );
}
