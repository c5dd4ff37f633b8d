import { localNames } from "./format";
import { useLanguage } from "./use-language";

export function LocalName({
  item,
  as: Tag = "span",
  className,
}: {
  item: { nameKm: string; nameEn: string };
  as?: "span" | "h1" | "h2" | "h3";
  className?: string;
}) {
  const lng = useLanguage();
  const names = localNames(item, lng);
  return (
    <Tag className={className}>
      <span>{names.primary}</span>{" "}
      <span lang={names.secondaryLang} className="text-[0.8em] font-normal text-stone-600">
        {names.secondary}
      </span>
    </Tag>
  );
}
