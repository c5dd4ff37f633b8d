import { defaultLanguage, isLanguage } from "./config";
import { resources } from "./resources";

/** The page titles of one language, for the root loader (the browser gets only these). */
export const pageTitlesFor = (lng: string) =>
  resources[isLanguage(lng) ? lng : defaultLanguage].common.pageTitles;
