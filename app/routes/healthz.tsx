import { prisma } from "~/db/db.server";

// Liveness for load balancers and docker-compose: the app answers and its database does too.
export async function loader() {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "database unavailable" }, { status: 503 });
  }
}
