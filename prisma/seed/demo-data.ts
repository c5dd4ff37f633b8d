// Demo content for a realistic Phsar: products with Khmer names, cooperatives, buyers and SEUAC.
// Reference prices are wholesale medians in riel from WFP Cambodia market monitoring (July 2024 –
// March 2026, prisma/data/reference-prices-khr.csv) where listed; others are typical market prices.
// Phone numbers are invented (+855 12 000 …).

export type ProductCategory = "VEGETABLE" | "POULTRY" | "EGGS";
export type Unit = "KG" | "HEAD" | "BUNCH" | "TRAY";
export type DemoProduct = {
  slug: string;
  category: ProductCategory;
  nameKm: string;
  nameEn: string;
  unit: Unit;
  referencePriceKhr: number;
};

export const demoProducts: DemoProduct[] = [
  // Leafy vegetables (per kg)
  {
    slug: "water-spinach",
    category: "VEGETABLE",
    nameKm: "ត្រកួន",
    nameEn: "Water spinach (morning glory)",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "chinese-kale",
    category: "VEGETABLE",
    nameKm: "ស្ពៃខៀវ",
    nameEn: "Chinese kale",
    unit: "KG",
    referencePriceKhr: 3500,
  },
  {
    slug: "bok-choy",
    category: "VEGETABLE",
    nameKm: "ស្ពៃតឿ",
    nameEn: "Bok choy",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "flowering-chinese-cabbage",
    category: "VEGETABLE",
    nameKm: "ស្ពៃសាច់",
    nameEn: "Flowering Chinese cabbage (choy sum)",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "mustard-greens",
    category: "VEGETABLE",
    nameKm: "ស្ពៃចង្កឹះ",
    nameEn: "Mustard greens",
    unit: "KG",
    referencePriceKhr: 2800,
  },
  {
    slug: "amaranth",
    category: "VEGETABLE",
    nameKm: "ផ្ទី",
    nameEn: "Amaranth",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "pumpkin-leaves",
    category: "VEGETABLE",
    nameKm: "ស្លឹកល្ពៅ",
    nameEn: "Pumpkin leaves",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "ivy-gourd-leaves",
    category: "VEGETABLE",
    nameKm: "ស្លឹកបាស",
    nameEn: "Ivy gourd leaves",
    unit: "KG",
    referencePriceKhr: 4000,
  },
  {
    slug: "moringa-leaves",
    category: "VEGETABLE",
    nameKm: "ស្លឹកម្រុំ",
    nameEn: "Moringa leaves",
    unit: "KG",
    referencePriceKhr: 4000,
  },
  {
    slug: "cabbage",
    category: "VEGETABLE",
    nameKm: "ស្ពៃក្តោប",
    nameEn: "Cabbage",
    unit: "KG",
    referencePriceKhr: 3300,
  },
  // Fruit vegetables and roots (per kg)
  {
    slug: "yardlong-bean",
    category: "VEGETABLE",
    nameKm: "សណ្តែកកួរ",
    nameEn: "Yardlong bean",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "cucumber",
    category: "VEGETABLE",
    nameKm: "ត្រសក់",
    nameEn: "Cucumber",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "eggplant",
    category: "VEGETABLE",
    nameKm: "ត្រប់",
    nameEn: "Eggplant",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "round-eggplant",
    category: "VEGETABLE",
    nameKm: "ត្រប់ស្រួយ",
    nameEn: "Round white eggplant",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "tomato",
    category: "VEGETABLE",
    nameKm: "ប៉េងប៉ោះ",
    nameEn: "Tomato",
    unit: "KG",
    referencePriceKhr: 4000,
  },
  {
    slug: "wax-gourd",
    category: "VEGETABLE",
    nameKm: "ត្រឡាច",
    nameEn: "Wax gourd",
    unit: "KG",
    referencePriceKhr: 2000,
  },
  {
    slug: "ridge-gourd",
    category: "VEGETABLE",
    nameKm: "ននោងជ្រុង",
    nameEn: "Ridge gourd",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "pumpkin",
    category: "VEGETABLE",
    nameKm: "ល្ពៅ",
    nameEn: "Pumpkin",
    unit: "KG",
    referencePriceKhr: 2000,
  },
  {
    slug: "green-papaya",
    category: "VEGETABLE",
    nameKm: "ល្ហុងខ្ចី",
    nameEn: "Green papaya",
    unit: "KG",
    referencePriceKhr: 1500,
  },
  {
    slug: "chili",
    category: "VEGETABLE",
    nameKm: "ម្ទេស",
    nameEn: "Chili",
    unit: "KG",
    referencePriceKhr: 8000,
  },
  {
    slug: "banana-flower",
    category: "VEGETABLE",
    nameKm: "ត្រយូងចេក",
    nameEn: "Banana flower",
    unit: "KG",
    referencePriceKhr: 2000,
  },
  {
    slug: "carrot",
    category: "VEGETABLE",
    nameKm: "ការ៉ុត",
    nameEn: "Carrot",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "cauliflower",
    category: "VEGETABLE",
    nameKm: "ផ្កាខាត់ណា",
    nameEn: "Cauliflower",
    unit: "KG",
    referencePriceKhr: 5500,
  },
  // Herbs (per bunch)
  {
    slug: "lemongrass",
    category: "VEGETABLE",
    nameKm: "ស្លឹកគ្រៃ",
    nameEn: "Lemongrass",
    unit: "BUNCH",
    referencePriceKhr: 1000,
  },
  {
    slug: "thai-basil",
    category: "VEGETABLE",
    nameKm: "ម្រះព្រៅ",
    nameEn: "Thai basil",
    unit: "BUNCH",
    referencePriceKhr: 800,
  },
  {
    slug: "coriander",
    category: "VEGETABLE",
    nameKm: "ជីវ៉ាន់ស៊ុយ",
    nameEn: "Coriander",
    unit: "BUNCH",
    referencePriceKhr: 1000,
  },
  {
    slug: "spring-onion",
    category: "VEGETABLE",
    nameKm: "ស្លឹកខ្ទឹម",
    nameEn: "Spring onion",
    unit: "BUNCH",
    referencePriceKhr: 800,
  },
  {
    slug: "rice-paddy-herb",
    category: "VEGETABLE",
    nameKm: "ម្អម",
    nameEn: "Rice paddy herb",
    unit: "BUNCH",
    referencePriceKhr: 700,
  },
  {
    slug: "sawtooth-coriander",
    category: "VEGETABLE",
    nameKm: "ជីបន្លា",
    nameEn: "Sawtooth coriander",
    unit: "BUNCH",
    referencePriceKhr: 700,
  },
  // Poultry and eggs
  {
    slug: "free-range-chicken",
    category: "POULTRY",
    nameKm: "មាន់ស្រុក",
    nameEn: "Free-range Khmer chicken (live)",
    unit: "HEAD",
    referencePriceKhr: 32000,
  },
  {
    slug: "chicken-meat",
    category: "POULTRY",
    nameKm: "សាច់មាន់",
    nameEn: "Chicken meat",
    unit: "KG",
    referencePriceKhr: 18000,
  },
  {
    slug: "duck",
    category: "POULTRY",
    nameKm: "ទា",
    nameEn: "Duck (live)",
    unit: "HEAD",
    referencePriceKhr: 25000,
  },
  {
    slug: "chicken-eggs",
    category: "EGGS",
    nameKm: "ពងមាន់",
    nameEn: "Chicken eggs (tray of 30)",
    unit: "TRAY",
    referencePriceKhr: 15000,
  },
  {
    slug: "duck-eggs",
    category: "EGGS",
    nameKm: "ពងទា",
    nameEn: "Duck eggs (tray of 30)",
    unit: "TRAY",
    referencePriceKhr: 16500,
  },
];

export type DemoCooperative = {
  slug: string;
  nameKm: string;
  nameEn: string;
  provinceCode: string;
  districtCode: string;
  phone: string;
  selfHelpGroups: { name: string; village: string }[];
};

const groups = (...villages: string[]) =>
  villages.map((village) => ({ name: `ក្រុមជួយខ្លួនឯង ភូមិ${village}`, village: `ភូមិ${village}` }));

export const demoCooperatives: DemoCooperative[] = [
  {
    slug: "kralanh-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ក្រឡាញ់",
    nameEn: "Kralanh Agricultural Cooperative",
    provinceCode: "17",
    districtCode: "1706",
    phone: "+85512000101",
    selfHelpGroups: groups("ក្រឡាញ់", "សំរោង", "ត្រពាំងថ្ម", "ស្រែណូយ"),
  },
  {
    slug: "puok-vegetable-cooperative",
    nameKm: "សហគមន៍កសិកម្ម បន្លែពួក",
    nameEn: "Puok Vegetable Cooperative",
    provinceCode: "17",
    districtCode: "1707",
    phone: "+85512000102",
    selfHelpGroups: groups("ពួក", "រលួស", "ខ្នារ"),
  },
  {
    slug: "tuek-phos-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ទឹកផុស",
    nameEn: "Tuek Phos Agricultural Cooperative",
    provinceCode: "04",
    districtCode: "0408",
    phone: "+85512000103",
    selfHelpGroups: groups("ក្បាលទឹក", "ត្រពាំងចាន់", "អង្គរជ័យ", "ស្រែថ្មី"),
  },
  {
    slug: "kampong-tralach-cooperative",
    nameKm: "សហគមន៍កសិកម្ម កំពង់ត្រឡាច",
    nameEn: "Kampong Tralach Agricultural Cooperative",
    provinceCode: "04",
    districtCode: "0405",
    phone: "+85512000104",
    selfHelpGroups: groups("ពានី", "ស្វាយជ្រុំ", "ព្រែកក្របៅ"),
  },
  {
    slug: "santuk-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម សន្ទុក",
    nameEn: "Santuk Agricultural Cooperative",
    provinceCode: "06",
    districtCode: "0607",
    phone: "+85512000105",
    selfHelpGroups: groups("ក្រយា", "តាំងក្រសាំង", "បឹងល្វា", "កំពង់ថ្ម"),
  },
  {
    slug: "baray-poultry-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ចិញ្ចឹមមាន់បារាយណ៍",
    nameEn: "Baray Poultry Cooperative",
    provinceCode: "06",
    districtCode: "0601",
    phone: "+85512000106",
    selfHelpGroups: groups("បល្ល័ង្គ", "ចុងដូង", "ត្រពាំងឫស្សី"),
  },
  {
    slug: "sangkae-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម សង្កែ",
    nameEn: "Sangkae Agricultural Cooperative",
    provinceCode: "02",
    districtCode: "0208",
    phone: "+85512000107",
    selfHelpGroups: groups("អន្លង់វិល", "វត្តតាមិម", "ព្រែកតាតន់"),
  },
  {
    slug: "bati-vegetable-cooperative",
    nameKm: "សហគមន៍កសិកម្ម បន្លែបាទី",
    nameEn: "Bati Vegetable Cooperative",
    provinceCode: "21",
    districtCode: "2102",
    phone: "+85512000108",
    selfHelpGroups: groups("ត្រពាំងសាប", "ចំបក់", "ពោធិ៍"),
  },
];

export type DemoBuyer = {
  slug: string;
  nameKm: string;
  nameEn: string;
  provinceCode: string;
  districtCode: string;
  phone: string;
  kind: "RESTAURANT" | "TRADER";
};

export const demoBuyers: DemoBuyer[] = [
  {
    slug: "mahob-kitchen",
    nameKm: "ភោជនីយដ្ឋាន ម្ហូបខ្មែរ",
    nameEn: "Mahob Khmer Kitchen",
    provinceCode: "17",
    districtCode: "1710",
    phone: "+85512000201",
    kind: "RESTAURANT",
  },
  {
    slug: "angkor-garden-hotel",
    nameKm: "ផ្ទះបាយសណ្ឋាគារ សួនអង្គរ",
    nameEn: "Angkor Garden Hotel Kitchen",
    provinceCode: "17",
    districtCode: "1710",
    phone: "+85512000202",
    kind: "RESTAURANT",
  },
  {
    slug: "tonle-table",
    nameKm: "ភោជនីយដ្ឋាន តុទន្លេ",
    nameEn: "Tonle Table",
    provinceCode: "12",
    districtCode: "1202",
    phone: "+85512000203",
    kind: "RESTAURANT",
  },
  {
    slug: "bkk-canteen",
    nameKm: "អាហារដ្ឋាន បឹងកេងកង",
    nameEn: "BKK Canteen",
    provinceCode: "12",
    districtCode: "1213",
    phone: "+85512000204",
    kind: "RESTAURANT",
  },
  {
    slug: "dumkor-wholesale",
    nameKm: "ឈ្មួញលក់ដុំ ផ្សារដើមគរ",
    nameEn: "Dumkor Market Wholesale",
    provinceCode: "12",
    districtCode: "1208",
    phone: "+85512000205",
    kind: "TRADER",
  },
  {
    slug: "chhnang-fresh-trading",
    nameKm: "ឈ្មួញបន្លែស្រស់ កំពង់ឆ្នាំង",
    nameEn: "Chhnang Fresh Trading",
    provinceCode: "04",
    districtCode: "0403",
    phone: "+85512000206",
    kind: "TRADER",
  },
];

export const demoUnion = {
  slug: "seuac" as const,
  nameKm: "សហភាពសហគ្រិនសង្គមនៃសហគមន៍កសិកម្ម",
  nameEn: "Social Entrepreneurs Union of Agricultural Cooperatives (SEUAC)" as const,
  provinceCode: "12",
  districtCode: "1201",
  phone: "+85512000301",
};

export const femaleGivenNames = [
  "សុភា",
  "ស្រីមុំ",
  "ចន្ធី",
  "សុខា",
  "ស្រីនាង",
  "ធីតា",
  "ចាន់ថា",
  "សុផល",
  "រ៉ានី",
  "សុគន្ធា",
  "ស្រីពៅ",
  "ផល្លា",
  "វណ្ណា",
  "បុប្ផា",
  "សុវណ្ណី",
  "ស្រីល័ក្ខ",
  "ម៉ាលី",
  "ច័ន្ទរស្មី",
  "សុជាតា",
  "ដាលីស",
  "ស្រីអូន",
  "គន្ធា",
  "នារី",
  "សំអូន",
  "លក្ខិណា",
  "ស្រីនិច",
  "ពិសី",
  "ស្រីរ័ត្ន",
  "ចរិយា",
  "មករា",
];

export const maleGivenNames = [
  "ដារ៉ា",
  "វិចិត្រ",
  "សុខុម",
  "រតនា",
  "ពិសិដ្ឋ",
  "វាសនា",
  "សំណាង",
  "បូរ៉ា",
  "ចាន់ណា",
  "សុភ័ក្រ",
  "វុទ្ធី",
  "សារ៉ាត",
  "ភារម្យ",
  "ចំរើន",
  "សុផាត",
  "រស្មី",
  "វិសាល",
  "ស៊ីថា",
  "ធារ៉ា",
  "ពន្លក",
  "មុនី",
  "សុខេង",
  "ប៊ុនថន",
  "ហុង",
  "ណារិទ្ធ",
  "សម្បត្តិ",
  "គឹមហុង",
  "វណ្ណៈ",
  "សាវឿន",
  "ឧត្តម",
];

export const familyNames = [
  "សុខ",
  "ចាន់",
  "លី",
  "ហេង",
  "ម៉ៅ",
  "កែវ",
  "សោម",
  "ពេជ្រ",
  "ឈឹម",
  "យឹម",
  "ណុប",
  "ស៊ុន",
  "ប៊ុន",
  "ឡុង",
  "មាស",
  "ហ៊ុន",
  "នួន",
  "សៀង",
  "ខៀវ",
  "អ៊ុក",
];
