import { type Translations } from "./en";

// Khmer strings, the default language.
const km: Translations = {
  app: {
    name: "ផ្សារ",
    tagline: "បន្លែ និងសត្វស្លាបស្រស់ ពីសហគមន៍កសិកម្មកម្ពុជា កុម្ម៉ង់ទុកមុនរដូវប្រមូលផល",
    skipToContent: "រំលងទៅខ្លឹមសារ",
    footer: "ផ្សារ គឺជាកម្មវិធីកូដចំហ សម្រាប់សហគមន៍កសិកម្ម អ្នកទិញ និង SEUAC។",
  },
  nav: {
    label: "ម៉ឺនុយមេ",
    market: "ផ្សារ",
    cooperatives: "សហគមន៍",
    switchLanguage: "English",
    switchLanguageLabel: "ប្តូរទៅភាសាអង់គ្លេស",
  },
  market: {
    title: "ផ្សារ",
    intro:
      "សហគមន៍ប្រមូលបន្លែ ជីរ និងសត្វស្លាប ពីកសិករសមាជិករបស់ខ្លួន។ ភោជនីយដ្ឋាន និងឈ្មួញ កុម្ម៉ង់ទុកមុន សម្រាប់ថ្ងៃដឹកជញ្ជូន។",
    stats: {
      label: "ផ្សារ ជាតួលេខ",
      cooperatives: "សហគមន៍",
      farmers: "កសិករសមាជិក",
      women: "កសិករស្ត្រី",
      products: "ផលិតផល",
    },
    catalogue: "អ្វីដែលសហគមន៍ដាំដុះ",
    referencePrice: "តម្លៃទីផ្សារធម្មតា",
    referencePriceNote:
      "តម្លៃលក់ដុំធម្មតាជារៀល ពីការតាមដានទីផ្សាររបស់ WFP។ សហគមន៍កំណត់តម្លៃផ្ទាល់ខ្លួន។",
    perUnit: "ក្នុងមួយ{{unit}}",
    cooperativesHeading: "សហគមន៍នៅលើផ្សារ",
    allCooperatives: "សហគមន៍ទាំងអស់",
  },
  category: {
    VEGETABLE: "បន្លែ និងជីរ",
    POULTRY: "សត្វស្លាប",
    EGGS: "ពង",
  },
  unit: {
    KG: "គីឡូក្រាម",
    HEAD: "ក្បាល",
    BUNCH: "ចង្កោម",
    TRAY: "ថាស",
  },
  cooperatives: {
    title: "សហគមន៍",
    intro: "សហគមន៍កសិកម្ម និងក្រុមជួយខ្លួនឯងរបស់ពួកគេ ដែលលក់នៅលើផ្សារ។",
    farmers: "កសិករសមាជិក {{count}} នាក់",
    women: "ស្ត្រី {{percent}}",
    young: "អាយុក្រោម ៣៥ ឆ្នាំ {{percent}}",
    selfHelpGroups: "ក្រុមជួយខ្លួនឯង",
    members: "សមាជិក",
    location: "ទីតាំង",
    contact: "ទំនាក់ទំនង",
    inclusion: "សមាជិកជានរណា",
    womenLabel: "ស្ត្រី",
    youngLabel: "អាយុក្រោម ៣៥ ឆ្នាំ",
  },
  errors: {
    notFoundTitle: "រកមិនឃើញទំព័រ",
    notFoundBody: "យើងរកទំព័រនេះមិនឃើញទេ។ ប្រហែលជាវាបានផ្លាស់ទីហើយ។",
    forbiddenTitle: "មិនអនុញ្ញាត",
    forbiddenBody: "អ្នកមិនមានសិទ្ធិមើលទំព័រនេះទេ។",
    badRequestTitle: "សំណើមានចំណុចខុស",
    badRequestBody: "សូមពិនិត្យអ្វីដែលអ្នកបានបញ្ចូល ហើយព្យាយាមម្តងទៀត។",
    serverErrorTitle: "មានបញ្ហាកើតឡើង",
    serverErrorBody: "នេះជាកំហុសរបស់យើង មិនមែនរបស់អ្នកទេ។ អ្វីដែលអ្នកបានបញ្ចូលមិនបាត់ទេ។ សូមព្យាយាមម្តងទៀតបន្តិចក្រោយ។",
    backHome: "ត្រឡប់ទៅផ្សារ",
  },
};

export default km;
