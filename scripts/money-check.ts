// `npm run money:check`: proves the account invariants (app/payments/money-check.server.ts) against
// DATABASE_URL or the embedded PostgreSQL. Prints each problem; exit code 1 when there is any.
import { runScript } from "./with-database";

runScript(async () => {
  const { prisma } = await import("~/db/db.server");
  const { checkMoney, formatProblems } = await import("~/payments/money-check.server");
  const problems = await checkMoney(prisma);
  await prisma.$disconnect();
  if (problems.length === 0) {
    console.log("money:check: every sub-order's money is exact");
    return 0;
  }
  console.log(formatProblems(problems));
  console.log(`money:check: ${problems.length} problem(s)`);
  return 1;
});
