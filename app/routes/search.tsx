// The search page: a plain GET form (works without JavaScript); with JavaScript it submits itself
// as you type (debounced), keeping the URL in step, and keeps the old results in place while the
// new ones load, so nothing jumps.
import { type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { invariantResponse } from "~/http/responses";
import { FACETS, type Facet, parseSearchParams, SORTS, toSearchString } from "~/search/query";
import { facetNames, searchListings } from "~/search/search.server";
import { ListingCard } from "~/supply/listing-card";
import { formatNumber } from "~/ui/format";
import { LocalName } from "~/ui/local-name";
import { useLanguage } from "~/ui/use-language";
import { titleMeta } from "~/ui/page-title";

export const meta = titleMeta("search");

const DEBOUNCE_MS = 300;

export async function loader({ request }: LoaderFunctionArgs) {
  const parsed = parseSearchParams(new URL(request.url).searchParams);
  invariantResponse(
    parsed.ok,
    parsed.ok ? "" : `Bad search parameter: ${parsed.problem.parameter}`,
  );
  const result = await searchListings(parsed.value);
  return { params: parsed.value, result, names: await facetNames(result.facets) };
}

const field =
  "rounded border border-stone-400 bg-white px-2 py-1 focus:outline-2 focus:outline-leaf-600";

export default function Search() {
  const { params, result, names } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const lng = useLanguage();
  const submit = useSubmit();
  const navigation = useNavigation();
  const form = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const updating = navigation.state === "loading" && navigation.location.pathname === "/search";
  useEffect(() => () => clearTimeout(timer.current), []);

  // Any change re-runs the search after a short pause; a new page starts at page 1.
  const onChange = (event: React.FormEvent<HTMLFormElement>) => {
    const target = event.target as HTMLInputElement;
    const delay = target.type === "search" || target.type === "number" ? DEBOUNCE_MS : 0;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (form.current) submit(form.current, { replace: true, preventScrollReset: true });
    }, delay);
  };

  const label = (facet: Facet, value: string) => {
    if (facet === "category") return t(`category.${value as "VEGETABLE"}`);
    if (facet === "certification") return t(`search.certification.${value as "NONE"}`);
    if (facet === "grade") return t("search.grade", { grade: value });
    const item = names[facet][value];
    return item ? <LocalName item={item} /> : value;
  };
  const pageLink = (page: number) => `/search?${toSearchString({ ...params, page })}`;

  return (
    <section aria-labelledby="search-title" className="space-y-4">
      <h1 id="search-title" className="text-3xl font-bold text-leaf-800">
        {t("search.title")}
      </h1>
      <p className="text-stone-700">{t("search.intro")}</p>
      <Form
        ref={form}
        method="get"
        action="/search"
        onChange={onChange}
        className="grid gap-6 md:grid-cols-[16rem_1fr]"
      >
        <div className="md:col-span-2 flex flex-wrap items-end gap-2">
          <label className="flex grow flex-col">
            <span className="font-semibold">{t("search.queryLabel")}</span>
            <input
              type="search"
              name="q"
              defaultValue={params.q}
              placeholder={t("search.queryPlaceholder")}
              maxLength={200}
              className={field}
            />
          </label>
          <label className="flex flex-col">
            <span className="font-semibold">{t("search.sortLabel")}</span>
            <select name="sort" defaultValue={params.sort} className={field}>
              {SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  {t(`search.sort.${sort}`)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="rounded bg-leaf-700 px-4 py-1.5 font-semibold text-white"
          >
            {t("search.submit")}
          </button>
        </div>

        <aside aria-label={t("search.filters")} className="space-y-4">
          {FACETS.map((facet) => {
            const counts = result.facets[facet];
            const chosen = new Set(params[facet].map(String));
            const values = [...new Set([...Object.keys(counts), ...chosen])].sort(
              (a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a.localeCompare(b),
            );
            if (values.length === 0) return null;
            return (
              <fieldset key={facet}>
                <legend className="font-semibold">{t(`search.facet.${facet}`)}</legend>
                <ul className="max-h-48 overflow-y-auto">
                  {values.map((value) => (
                    <li key={value}>
                      <label className="flex items-baseline gap-2 text-sm">
                        <input
                          type="checkbox"
                          name={facet}
                          value={value}
                          defaultChecked={chosen.has(value)}
                        />
                        <span>{label(facet, value)}</span>
                        <span className="text-stone-500">
                          ({formatNumber(counts[value] ?? 0, lng)})
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              </fieldset>
            );
          })}
          <fieldset>
            <legend className="font-semibold">{t("search.deliveryDates")}</legend>
            <label className="flex flex-col text-sm">
              {t("search.from")}
              <input type="date" name="from" defaultValue={params.from} className={field} />
            </label>
            <label className="flex flex-col text-sm">
              {t("search.to")}
              <input type="date" name="to" defaultValue={params.to} className={field} />
            </label>
          </fieldset>
          <fieldset>
            <legend className="font-semibold">{t("search.price")}</legend>
            <label className="flex flex-col text-sm">
              {t("search.priceMin")}
              <input
                type="number"
                name="priceMin"
                min={0}
                step={100}
                defaultValue={params.priceMin}
                className={field}
              />
            </label>
            <label className="flex flex-col text-sm">
              {t("search.priceMax")}
              <input
                type="number"
                name="priceMax"
                min={0}
                step={100}
                defaultValue={params.priceMax}
                className={field}
              />
            </label>
          </fieldset>
          <Link to="/search" className="block text-sm text-leaf-800 underline">
            {t("search.clear")}
          </Link>
          <input type="hidden" name="perPage" value={params.perPage === 20 ? "" : params.perPage} />
        </aside>

        <div className="min-h-[24rem]" aria-busy={updating}>
          <p role="status" className="font-semibold">
            {updating ? t("search.updating") : t("search.results", { count: result.total })}
          </p>
          {result.hits.length ? (
            <ul className={`mt-2 grid gap-3 sm:grid-cols-2 ${updating ? "opacity-60" : ""}`}>
              {result.hits.map((hit) => (
                <ListingCard key={hit.id} listing={hit} />
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-stone-700">{t("search.noResults")}</p>
          )}
          {result.pages > 1 ? (
            <nav aria-label={t("search.pagination")} className="mt-4 flex items-center gap-4">
              {params.page > 1 ? (
                <Link to={pageLink(params.page - 1)} className="underline">
                  {t("search.previous")}
                </Link>
              ) : null}
              <span>{t("search.pageOf", { page: params.page, pages: result.pages })}</span>
              {params.page < result.pages ? (
                <Link to={pageLink(params.page + 1)} className="underline">
                  {t("search.next")}
                </Link>
              ) : null}
            </nav>
          ) : null}
        </div>
      </Form>
    </section>
  );
}
