// English strings. km.ts must provide the same keys (the type checker enforces it).
const en = {
  app: {
    name: "Phsar",
    tagline: "Fresh produce from Cambodian farmer cooperatives, ordered ahead of harvest",
    skipToContent: "Skip to content",
    footer: "Phsar is open-source software for farmer cooperatives, buyers and SEUAC.",
  },
  nav: {
    label: "Main",
    market: "Market",
    cooperatives: "Cooperatives",
    switchLanguage: "ភាសាខ្មែរ",
    switchLanguageLabel: "Switch to Khmer",
  },
  market: {
    title: "Market",
    intro:
      "Cooperatives pool the vegetables, herbs and poultry of their member farmers. Restaurants and traders order ahead for a delivery date.",
    stats: {
      label: "Phsar in numbers",
      cooperatives: "Cooperatives",
      farmers: "Member farmers",
      women: "Women farmers",
      products: "Products",
    },
    catalogue: "What cooperatives grow",
    referencePrice: "Typical market price",
    referencePriceNote:
      "Typical wholesale prices in riel from WFP market monitoring; cooperatives set their own prices.",
    perUnit: "per {{unit}}",
    cooperativesHeading: "Cooperatives on Phsar",
    allCooperatives: "All cooperatives",
  },
  category: {
    VEGETABLE: "Vegetables and herbs",
    POULTRY: "Poultry",
    EGGS: "Eggs",
  },
  unit: {
    KG: "kg",
    HEAD: "head",
    BUNCH: "bunch",
    TRAY: "tray",
  },
  cooperatives: {
    title: "Cooperatives",
    intro: "Agricultural cooperatives and their self-help groups selling on Phsar.",
    farmers: "{{count}} member farmers",
    women: "{{percent}} women",
    young: "{{percent}} under 35",
    selfHelpGroups: "Self-help groups",
    members: "Members",
    location: "Location",
    contact: "Contact",
    inclusion: "Who the members are",
    womenLabel: "Women",
    youngLabel: "Under 35",
  },
  errors: {
    notFoundTitle: "Page not found",
    notFoundBody: "We could not find this page. It may have moved.",
    forbiddenTitle: "Not allowed",
    forbiddenBody: "You do not have permission to see this page.",
    badRequestTitle: "Something in the request is wrong",
    badRequestBody: "Please check what you entered and try again.",
    serverErrorTitle: "Something went wrong",
    serverErrorBody: "This is our fault, not yours. Nothing you entered was lost. Please try again in a moment.",
    backHome: "Back to the market",
  },
};

export default en;
export type Translations = typeof en;
