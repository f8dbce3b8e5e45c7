// The real Redis named by TEST_REDIS_URL, or a loud note that Redis tests cannot run here.
import { loadTestServices } from '../../src/config.ts';

/** Returns the Redis URL for tests, or undefined after printing why the Redis tests are skipped. */
export function testRedisUrl(): string | undefined {
  const { redisUrl } = loadTestServices();
  if (!redisUrl) console.warn('\n!!! SKIPPED: TEST_REDIS_URL is not set: BullMQ tests need a real Redis (see README).\n');
  return redisUrl;
}
