// GET /api/v1/listings: the search as JSON, with the same parameters as the search page
// (README, "Search API"). Bad parameters answer 400 with the parameter's name.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { parseSearchParams } from "~/search/query";
import { searchListings } from "~/search/search.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const parsed = parseSearchParams(new URL(request.url).searchParams);
  if (!parsed.ok) {
    return Response.json(
      { error: { parameter: parsed.problem.parameter, message: parsed.problem.message } },
      { status: 400 },
    );
  }
  return Response.json(await searchListings(parsed.value));
}
