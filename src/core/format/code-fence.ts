export const FENCE = '```';

/** A ```…``` block: `start` at the opening fence, `end` just after the closing one. */
export interface FenceRange {
  start: number;
  /** First character inside the block (start + 3). */
  innerStart: number;
  /** Index of the closing fence. */
  innerEnd: number;
  end: number;
}

/**
 * Code blocks as both WhatsApp and Slack read them: each ``` opens a block that the next
 * ``` closes; a last, unpaired ``` is literal text. The conversion to mrkdwn and the splitter
 * share this one definition so they can never disagree about what is inside a block.
 */
export function findCodeFences(text: string): FenceRange[] {
  const ranges: FenceRange[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf(FENCE, from);
    if (open < 0) break;
    const close = text.indexOf(FENCE, open + FENCE.length);
    if (close < 0) break;
    ranges.push({ start: open, innerStart: open + FENCE.length, innerEnd: close, end: close + FENCE.length });
    from = close + FENCE.length;
  }
  return ranges;
}
