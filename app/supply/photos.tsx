/** Listing photos: sized in advance (no layout jump), loaded lazily so slow connections get text first. */
export function Photos({
  photos,
  alt,
}: {
  photos: { storageKey: string; width: number; height: number }[];
  alt: string;
}) {
  if (!photos.length) return null;
  return (
    <ul className="mt-2 flex gap-2 overflow-x-auto">
      {photos.map((photo) => (
        <li key={photo.storageKey} className="shrink-0">
          <img
            src={`/photos/${photo.storageKey}`}
            width={photo.width}
            height={photo.height}
            alt={alt}
            loading="lazy"
            decoding="async"
            className="h-40 w-auto rounded-lg object-cover"
          />
        </li>
      ))}
    </ul>
  );
}
