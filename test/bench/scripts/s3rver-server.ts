// Child process for the remote benchmarks: s3rver on 127.0.0.1 (random port) storing under DIR with
// BUCKET created. Prints {"port": N} once listening; stops on SIGTERM. Must run under
// `node --openssl-legacy-provider` (paginated listings fail otherwise, see ENVIRONMENT.md).
import { createRequire } from 'node:module';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;

const [dir, bucket] = process.argv.slice(2);
if (!dir || !bucket) throw new Error('usage: node --openssl-legacy-provider s3rver-server.ts DIR BUCKET');
// s3rver ships no type declarations; load it through require and describe the two calls used.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
const { port } = await server.run();
process.stdout.write(JSON.stringify({ port }) + '\n');
process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
