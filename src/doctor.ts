import dotenv from 'dotenv';
import { checkConfig, formatResults, runChecks, storeCheck, type Check } from './doctor/checks.js';
import { jiraCheck } from './doctor/jira-check.js';
import { slackCheck, whatsappCheck } from './doctor/vendor-checks.js';

/** `npm run doctor`: one ✓/✗ line per check, with the fix for each ✗; exit 1 if any failed. */
async function doctor(): Promise<number> {
  dotenv.config({ quiet: true });
  const { result, config, warnings } = checkConfig(process.env);
  const lines = [formatResults([result]), ...warnings.map((w) => `! ${w}`)];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!config) return 1;
  const checks: Check[] = [storeCheck, slackCheck, whatsappCheck, jiraCheck];
  const results = await runChecks(config, checks);
  process.stdout.write(`${formatResults(results)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await doctor();
