// `npm run demo`: the service with demo feeds served on loopback, so everything works offline.
import { loadConfig } from '../src/config.ts';
import { startService, stopOnSignals } from '../src/main.ts';
import { startFeedServer } from './feed-server.ts';

// A fixed port: sources stored by an earlier demo run keep pointing at the right address.
const feeds = await startFeedServer(undefined, 3901);
const NAMES: Record<string, string> = {
  'tin-phuong.xml': 'Cổng thông tin phường Hòa An (demo)',
  'bao-giao-duc.xml': 'Báo Giáo dục Thành phố (demo)',
};
// Demo data lives apart from a real install, and the demo feeds' loopback host is allowed.
const env = { ...process.env };
env.DATA_DIR ||= './data-demo';
env.COLLECTOR_ALLOW_HOSTS = [env.COLLECTOR_ALLOW_HOSTS, '127.0.0.1'].filter(Boolean).join(',');
env.ADMIN_PASSWORD ||= 'demo-admin-2026';
const config = loadConfig(env);
const service = await startService(config, {
  seedSources: feeds.files.map((file) => ({
    kind: 'rss' as const,
    name: NAMES[file] ?? file,
    url: feeds.urlOf(file),
    pollIntervalSeconds: 300,
  })),
});
console.log(`Demo: sign in as "admin" with password "${config.ADMIN_PASSWORD}". Demo feeds are served on 127.0.0.1.`);
stopOnSignals(async () => {
  await service.stop();
  await feeds.close();
});
