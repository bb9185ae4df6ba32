/**
 * The framework ceiling: a bare Koa app answering every request with a constant JSON body the
 * size of a user profile. Same Node, same host, same keep-alive settings as the service.
 *   node bare-koa.js <port>
 */
import Koa from 'koa';

const port = Number(process.argv[2] ?? '0');
const body = {
  id: '3f0c3a52-0c1f-4f7e-9a52-6f4f3f1d2b8e',
  email: 'bench-0@bench.example',
  username: null,
  full_name: null,
  role: 'user',
  is_active: true,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
};
const app = new Koa();
app.use((ctx) => {
  ctx.body = body;
});
const server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 5_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
