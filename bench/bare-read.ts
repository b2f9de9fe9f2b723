/**
 * The reads' baseline: a bare fastify server answering one single-row PostgreSQL read by primary key
 * (`SELECT state FROM episodes WHERE id = $1`), no auth, no schema — what a read cannot beat.
 */
import Fastify from 'fastify';
import { createPool } from '../src/db/pool.js';

const pool = createPool(process.env.DATABASE_URL as string, 20);
const app = Fastify({ logger: false, routerOptions: { maxParamLength: 300 } });
app.get<{ Params: { id: string } }>('/row/:id', async (req, reply) => {
  const { rows } = await pool.query('SELECT state FROM episodes WHERE id = $1', [req.params.id]);
  if (!rows[0]) return reply.code(404).send({ error: 'not_found' });
  return rows[0].state;
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('bare listening');
