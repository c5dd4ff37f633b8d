// Liveness: the process and Remix answer. Whether its dependencies (database, migrations, job
// queue, search) are usable is /readyz's question (server/ops.ts): a database outage must make a
// load balancer stop sending traffic, not make an orchestrator restart every instance.
export function loader() {
  return Response.json({ status: "ok" });
}
