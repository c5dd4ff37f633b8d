// Static demo content for Phsar: products, cooperatives, buyers, SEUAC and Khmer names (no DB code).
// referencePriceKhr is the WFP Cambodia market-monitoring wholesale median (July 2024 – March 2026,
// rounded to 100 riel) where WFP lists the product; items marked "typical" are typical market prices.

export type ProductCategory = "VEGETABLE" | "POULTRY" | "EGGS";
export type Unit = "KG" | "HEAD" | "BUNCH" | "TRAY";
export type DemoProduct = {
  slug: string;
  category: ProductCategory;
  nameKm: string;
  nameEn: string;
  unit: Unit;
  referencePriceKhr: number;
  /** What buyers also type: trade names (British, regional), romanised Khmer, misspellings. */
  searchSynonyms: string[];
};

export const demoProducts: DemoProduct[] = [
  // Leafy vegetables, per kg
  {
    slug: "water-spinach",
    searchSynonyms: ["morning glory", "kangkong", "kangkung", "water convolvulus", "trakuon"],
    category: "VEGETABLE",
    nameKm: "ត្រកួន",
    nameEn: "Water spinach (morning glory)",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "chinese-kale",
    searchSynonyms: ["kailan", "kai lan", "gai lan", "chinese broccoli", "khatna"],
    category: "VEGETABLE",
    nameKm: "ខាត់ណា",
    nameEn: "Chinese kale (kailan)",
    unit: "KG",
    referencePriceKhr: 4000,
  },
  {
    slug: "bok-choy",
    searchSynonyms: ["pak choi", "pak choy", "bok choi", "pok choi", "spey tob"],
    category: "VEGETABLE",
    nameKm: "ស្ពៃតឿ",
    nameEn: "Bok choy",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "mustard-greens",
    searchSynonyms: ["mustard leaves", "leaf mustard", "chinese mustard", "spey khiev"],
    category: "VEGETABLE",
    nameKm: "ស្ពៃខៀវ",
    nameEn: "Mustard greens",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "amaranth",
    searchSynonyms: ["chinese spinach", "callaloo", "amaranthus", "phti"],
    category: "VEGETABLE",
    nameKm: "ផ្ទី",
    nameEn: "Amaranth",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "pumpkin-leaves",
    searchSynonyms: ["pumpkin tops", "pumpkin shoots", "squash leaves"],
    category: "VEGETABLE",
    nameKm: "ស្លឹកល្ពៅ",
    nameEn: "Pumpkin leaves",
    unit: "KG",
    referencePriceKhr: 4000,
  },
  {
    slug: "ivy-gourd-leaves",
    searchSynonyms: ["tindora leaves", "coccinia", "little gourd leaves", "slek bas"],
    category: "VEGETABLE",
    nameKm: "ស្លឹកបាស",
    nameEn: "Ivy gourd leaves",
    unit: "KG",
    referencePriceKhr: 4000,
  },
  {
    slug: "moringa-leaves",
    searchSynonyms: ["drumstick leaves", "moringa", "malunggay", "mrum"],
    category: "VEGETABLE",
    nameKm: "ស្លឹកម្រុំ",
    nameEn: "Moringa leaves",
    unit: "KG",
    referencePriceKhr: 4000,
  },

  // Fruit vegetables, per kg
  {
    slug: "yardlong-bean",
    searchSynonyms: ["long bean", "snake bean", "asparagus bean", "string bean", "yard long bean"],
    category: "VEGETABLE",
    nameKm: "សណ្ដែកកួរ",
    nameEn: "Yardlong bean",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "cucumber",
    searchSynonyms: ["cuke", "cucmber", "trasak"],
    category: "VEGETABLE",
    nameKm: "ត្រសក់",
    nameEn: "Cucumber",
    unit: "KG",
    referencePriceKhr: 2000, // typical (not in the WFP data)
  },
  {
    slug: "eggplant",
    searchSynonyms: ["aubergine", "brinjal", "chinese eggplant", "egg plant", "trob veng"],
    category: "VEGETABLE",
    nameKm: "ត្រប់វែង",
    nameEn: "Long eggplant",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "round-eggplant",
    searchSynonyms: [
      "thai eggplant",
      "round aubergine",
      "white aubergine",
      "egg plant",
      "trob sruoy",
    ],
    category: "VEGETABLE",
    nameKm: "ត្រប់ស្រួយ",
    nameEn: "Round white eggplant",
    unit: "KG",
    referencePriceKhr: 2500,
  },
  {
    slug: "tomato",
    searchSynonyms: ["tomatoe", "tomate", "peng pos"],
    category: "VEGETABLE",
    nameKm: "ប៉េងប៉ោះ",
    nameEn: "Tomato",
    unit: "KG",
    referencePriceKhr: 3500,
  },
  {
    slug: "wax-gourd",
    searchSynonyms: ["winter melon", "ash gourd", "white gourd", "winter gourd"],
    category: "VEGETABLE",
    nameKm: "ត្រឡាច",
    nameEn: "Wax gourd",
    unit: "KG",
    referencePriceKhr: 2000,
  },
  {
    slug: "ridge-gourd",
    searchSynonyms: ["luffa", "loofah", "angled luffa", "silk gourd", "chinese okra"],
    category: "VEGETABLE",
    nameKm: "ននោងជ្រុង",
    nameEn: "Ridge gourd",
    unit: "KG",
    referencePriceKhr: 2300,
  },
  {
    slug: "pumpkin",
    searchSynonyms: ["squash", "kabocha", "winter squash", "lpov"],
    category: "VEGETABLE",
    nameKm: "ល្ពៅ",
    nameEn: "Pumpkin",
    unit: "KG",
    referencePriceKhr: 1800,
  },
  {
    slug: "green-papaya",
    searchSynonyms: ["unripe papaya", "papaw", "pawpaw", "lhong"],
    category: "VEGETABLE",
    nameKm: "ល្ហុងខ្ចី",
    nameEn: "Green papaya",
    unit: "KG",
    referencePriceKhr: 1000,
  },
  {
    slug: "chili",
    searchSynonyms: ["chilli", "chile", "hot pepper", "bird's eye chilli", "mtes"],
    category: "VEGETABLE",
    nameKm: "ម្ទេស",
    nameEn: "Chili",
    unit: "KG",
    referencePriceKhr: 6000, // typical (not in the WFP data)
  },
  {
    slug: "banana-flower",
    searchSynonyms: ["banana blossom", "banana heart", "banana bud", "trayong chek"],
    category: "VEGETABLE",
    nameKm: "ត្រយូងចេក",
    nameEn: "Banana flower",
    unit: "KG",
    referencePriceKhr: 2000,
  },

  // Roots and brassicas, per kg
  {
    slug: "carrot",
    searchSynonyms: ["carot", "karot"],
    category: "VEGETABLE",
    nameKm: "ការ៉ុត",
    nameEn: "Carrot",
    unit: "KG",
    referencePriceKhr: 3000,
  },
  {
    slug: "cauliflower",
    searchSynonyms: ["califlower", "cauliflour", "cauli"],
    category: "VEGETABLE",
    nameKm: "ផ្កាខាត់ណា",
    nameEn: "Cauliflower",
    unit: "KG",
    referencePriceKhr: 5500,
  },
  {
    slug: "cabbage",
    searchSynonyms: ["white cabbage", "head cabbage", "round cabbage", "cabage", "spey kdaob"],
    category: "VEGETABLE",
    nameKm: "ស្ពៃក្ដោប",
    nameEn: "Cabbage",
    unit: "KG",
    referencePriceKhr: 2500, // typical (not in the WFP data)
  },

  // Herbs, per bunch (typical prices; WFP does not track herbs)
  {
    slug: "lemongrass",
    searchSynonyms: ["lemon grass", "slek krey", "គ្រៃ"],
    category: "VEGETABLE",
    nameKm: "ស្លឹកគ្រៃ",
    nameEn: "Lemongrass",
    unit: "BUNCH",
    referencePriceKhr: 1000,
  },
  {
    slug: "holy-basil",
    searchSynonyms: ["tulsi", "hot basil"],
    category: "VEGETABLE",
    nameKm: "ម្រះព្រៅ",
    nameEn: "Holy basil",
    unit: "BUNCH",
    referencePriceKhr: 800,
  },
  {
    slug: "thai-basil",
    searchSynonyms: ["sweet basil", "horapha", "asian basil"],
    category: "VEGETABLE",
    nameKm: "ជីរនាងវង",
    nameEn: "Thai basil",
    unit: "BUNCH",
    referencePriceKhr: 700,
  },
  {
    slug: "coriander",
    searchSynonyms: ["cilantro", "chinese parsley", "corriander", "ជីវ៉ាន់ស៊ុយ"],
    category: "VEGETABLE",
    nameKm: "ជីរវ៉ាន់ស៊ុយ",
    nameEn: "Coriander",
    unit: "BUNCH",
    referencePriceKhr: 1200,
  },
  {
    slug: "spring-onion",
    searchSynonyms: ["scallion", "green onion", "salad onion", "ខ្ទឹមស្លឹក"],
    category: "VEGETABLE",
    nameKm: "ស្លឹកខ្ទឹម",
    nameEn: "Spring onion",
    unit: "BUNCH",
    referencePriceKhr: 1000,
  },
  {
    slug: "rice-paddy-herb",
    searchSynonyms: ["ngo om", "limnophila", "ma om"],
    category: "VEGETABLE",
    nameKm: "ម្អម",
    nameEn: "Rice paddy herb",
    unit: "BUNCH",
    referencePriceKhr: 500,
  },
  {
    slug: "sawtooth-coriander",
    searchSynonyms: ["culantro", "long coriander", "ngo gai", "mexican coriander"],
    category: "VEGETABLE",
    nameKm: "ជីរបន្លា",
    nameEn: "Sawtooth coriander",
    unit: "BUNCH",
    referencePriceKhr: 500,
  },

  // Poultry and eggs
  {
    slug: "free-range-chicken",
    searchSynonyms: [
      "village chicken",
      "native chicken",
      "country chicken",
      "local chicken",
      "moan srok",
    ],
    category: "POULTRY",
    nameKm: "មាន់ស្រុក",
    nameEn: "Free-range Khmer chicken (live)",
    unit: "HEAD",
    referencePriceKhr: 32000, // typical (not in the WFP data)
  },
  {
    slug: "duck",
    searchSynonyms: ["live duck", "khmer duck", "muscovy duck"],
    category: "POULTRY",
    nameKm: "ទា",
    nameEn: "Duck (live)",
    unit: "HEAD",
    referencePriceKhr: 25000, // typical (not in the WFP data)
  },
  {
    slug: "chicken-meat",
    searchSynonyms: ["whole chicken", "dressed chicken", "broiler", "sach moan"],
    category: "POULTRY",
    nameKm: "សាច់មាន់",
    nameEn: "Chicken meat",
    unit: "KG",
    referencePriceKhr: 13900,
  },
  {
    slug: "chicken-eggs",
    searchSynonyms: ["hen eggs", "egg tray", "pong moan"],
    category: "EGGS",
    nameKm: "ពងមាន់",
    nameEn: "Chicken eggs (tray of 30)",
    unit: "TRAY",
    referencePriceKhr: 15000, // typical (not in the WFP data)
  },
  // WFP duck eggs: 4,660 riel per 10, ×3 for a tray of 30.
  {
    slug: "duck-eggs",
    searchSynonyms: ["duck egg tray", "pong tea"],
    category: "EGGS",
    nameKm: "ពងទា",
    nameEn: "Duck eggs (tray of 30)",
    unit: "TRAY",
    referencePriceKhr: 14000,
  },
];

export type DemoCooperative = {
  slug: string;
  nameKm: string;
  nameEn: string;
  provinceCode: string;
  districtCode: string;
  /** The commune its self-help groups' villages are in. */
  communeCode: string;
  phone: string;
  selfHelpGroups: { name: string; village: string; villageCode: string; communeCode: string }[];
};

// Villages are real villages (NCDD gazetteer code and Khmer name) of the cooperative's district.
const groups = (...villages: [code: string, nameKm: string][]) =>
  villages.map(([code, village]) => ({
    name: `ក្រុមជួយខ្លួនឯង ភូមិ${village}`,
    village: `ភូមិ${village}`,
    villageCode: code,
    communeCode: code.slice(0, 6),
  }));

export const demoCooperatives: DemoCooperative[] = [
  {
    slug: "kralanh-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ក្រឡាញ់",
    nameEn: "Kralanh Agricultural Cooperative",
    provinceCode: "17", // Siem Reap
    districtCode: "1706", // Kralanh
    communeCode: "170603",
    phone: "+85512000101",
    selfHelpGroups: groups(
      ["17060305", "ក្រឡាញ់"],
      ["17060303", "អូរក្រឡាញ់"],
      ["17060302", "ត្រពាំងច្រាំង"],
      ["17060301", "តាច្រែង"],
      ["17060304", "កោះក្របៅ"],
    ),
  },
  {
    slug: "puok-vegetable-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ពួក",
    nameEn: "Puok Agricultural Cooperative",
    provinceCode: "17", // Siem Reap
    districtCode: "1707", // Puok
    communeCode: "170710",
    phone: "+85517000102",
    selfHelpGroups: groups(
      ["17071001", "ពួកចាស់"],
      ["17071009", "ពួកថ្មី"],
      ["17071003", "គោកជួន"],
      ["17071002", "ប្រយុទ្ធ"],
    ),
  },
  {
    slug: "tuek-phos-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ទឹកផុស",
    nameEn: "Tuek Phos Agricultural Cooperative",
    provinceCode: "04", // Kampong Chhnang
    districtCode: "0408", // Tuek Phos
    communeCode: "040804",
    phone: "+855970000103",
    selfHelpGroups: groups(
      ["04080402", "ដូងស្លា"],
      ["04080404", "តាំងស្យា"],
      ["04080408", "ព្រៃជ្រៅ"],
      ["04080409", "ថ្នល់កែង"],
    ),
  },
  {
    slug: "longveaek-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម លង្វែក",
    nameEn: "Longveaek Agricultural Cooperative",
    provinceCode: "04", // Kampong Chhnang
    districtCode: "0405", // Kampong Tralach
    communeCode: "040505",
    phone: "+85512000104",
    selfHelpGroups: groups(
      ["04050502", "ត្រពាំងចំបក់"],
      ["04050503", "ផ្សារត្រាច"],
      ["04050504", "អន្លង់ត្នោត"],
      ["04050505", "ស្រះចក"],
    ),
  },
  {
    slug: "kraya-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ក្រយា",
    nameEn: "Kraya Agricultural Cooperative",
    provinceCode: "06", // Kampong Thom
    districtCode: "0607", // Santuk
    communeCode: "060705",
    phone: "+855960000105",
    selfHelpGroups: groups(
      ["06070501", "ក្រយា"],
      ["06070503", "ត្រពាំងព្រីង"],
      ["06070506", "សុភមង្គល"],
      ["06070510", "អូរទឹកថ្លា"],
      ["06070507", "ថ្មសំលៀង"],
    ),
  },
  {
    slug: "tnaot-chum-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ត្នោតជុំ",
    nameEn: "Tnaot Chum Agricultural Cooperative",
    provinceCode: "06", // Kampong Thom
    districtCode: "0601", // Baray
    communeCode: "060117",
    phone: "+85517000106",
    selfHelpGroups: groups(
      ["06011705", "ព្នៅ"],
      ["06011706", "ព្រែកក្រោល"],
      ["06011707", "បន្ទាយចាស់"],
      ["06011709", "កងមាស"],
    ),
  },
  {
    slug: "reang-kesei-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម រាំងកេសី",
    nameEn: "Reang Kesei Agricultural Cooperative",
    provinceCode: "02", // Battambang
    districtCode: "0208", // Sangkae
    communeCode: "020807",
    phone: "+855880000107",
    selfHelpGroups: groups(
      ["02080703", "រាំងកេសី"],
      ["02080704", "រាំងក្រោល"],
      ["02080701", "ទួលស្នួល"],
      ["02080705", "ព្រៃស្វាយ"],
      ["02080707", "បឹងវែង"],
    ),
  },
  {
    slug: "trapeang-sab-agricultural-cooperative",
    nameKm: "សហគមន៍កសិកម្ម ត្រពាំងសាប",
    nameEn: "Trapeang Sab Agricultural Cooperative",
    provinceCode: "21", // Takeo
    districtCode: "2102", // Bati
    communeCode: "210215",
    phone: "+85512000108",
    selfHelpGroups: groups(
      ["21021508", "ត្រពាំងសាប"],
      ["21021501", "ពូនភ្នំ"],
      ["21021504", "រកាខ្ពស់"],
      ["21021503", "ត្រពាំងទឹម"],
    ),
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
    nameKm: "ភោជនីយដ្ឋាន ម្ហូបផ្ទះ",
    nameEn: "Mahob Kitchen",
    provinceCode: "17",
    districtCode: "1710", // Krong Siem Reap
    phone: "+85512000201",
    kind: "RESTAURANT",
  },
  {
    slug: "sala-kamreuk-garden-hotel",
    nameKm: "ផ្ទះបាយសណ្ឋាគារ សួនសាលាកំរើក",
    nameEn: "Sala Kamreuk Garden Hotel Kitchen",
    provinceCode: "17",
    districtCode: "1710", // Krong Siem Reap
    phone: "+85517000202",
    kind: "RESTAURANT",
  },
  {
    slug: "tonle-table",
    nameKm: "ភោជនីយដ្ឋាន តុទន្លេ",
    nameEn: "Tonle Table",
    provinceCode: "12",
    districtCode: "1202", // Doun Penh
    phone: "+855960000203",
    kind: "RESTAURANT",
  },
  {
    slug: "bkk-canteen",
    nameKm: "អាហារដ្ឋាន បឹងកេងកង",
    nameEn: "BKK Canteen",
    provinceCode: "12",
    districtCode: "1213", // Boeng Keng Kang
    phone: "+85512000204",
    kind: "RESTAURANT",
  },
  {
    slug: "chbar-ampov-wholesale",
    nameKm: "ឈ្មួញលក់ដុំ ផ្សារច្បារអំពៅ",
    nameEn: "Chbar Ampov Market Wholesale",
    provinceCode: "12",
    districtCode: "1212", // Chbar Ampov
    phone: "+855970000205",
    kind: "TRADER",
  },
  {
    slug: "chhnang-fresh-trading",
    nameKm: "ឈ្មួញបន្លែស្រស់ កំពង់ឆ្នាំង",
    nameEn: "Chhnang Fresh Trading",
    provinceCode: "04",
    districtCode: "0403", // Krong Kampong Chhnang
    phone: "+855880000206",
    kind: "TRADER",
  },
];

export const demoUnion: {
  slug: "seuac";
  nameKm: string;
  nameEn: "Social Entrepreneurs Union of Agricultural Cooperatives (SEUAC)";
  provinceCode: string;
  districtCode: string;
  phone: string;
} = {
  slug: "seuac",
  nameKm: "សហភាពសហគ្រិនសង្គមនៃសហគមន៍កសិកម្ម",
  nameEn: "Social Entrepreneurs Union of Agricultural Cooperatives (SEUAC)",
  provinceCode: "12",
  districtCode: "1201", // Chamkar Mon
  phone: "+85512000301",
};

export const femaleGivenNames: string[] = [
  "សុភា",
  "ស្រីមុំ",
  "ចន្ធី",
  "សុខា",
  "ស្រីនាង",
  "ធីតា",
  "ចាន់ថា",
  "សុគន្ធា",
  "ស្រីពៅ",
  "បុប្ផា",
  "សុវណ្ណី",
  "ស្រីល័ក្ខ",
  "ម៉ាលី",
  "សុជាតា",
  "ដាវី",
  "ស្រីអូន",
  "គន្ធា",
  "នារី",
  "ពិសី",
  "ចរិយា",
  "រ៉ានី",
  "ផល្លា",
  "លក្ខិណា",
  "ស្រីនិច",
  "ស្រីរ័ត្ន",
  "សុធារី",
  "សុម៉ាលី",
  "វណ្ណារី",
  "រចនា",
  "វិច្ឆិកា",
];

export const maleGivenNames: string[] = [
  "ដារ៉ា",
  "វិចិត្រ",
  "សុខុម",
  "រតនា",
  "ពិសិដ្ឋ",
  "វាសនា",
  "សំណាង",
  "បូរ៉ា",
  "ចាន់ថន",
  "វុទ្ធី",
  "បញ្ញា",
  "ភារម្យ",
  "ចំរើន",
  "វិសាល",
  "ស៊ីថា",
  "ធារ៉ា",
  "ពន្លក",
  "មុនី",
  "ប៊ុនថន",
  "ណារិទ្ធ",
  "សម្បត្តិ",
  "វណ្ណា",
  "សាវឿន",
  "ឧត្តម",
  "កុសល",
  "សុជាតិ",
  "វិបុល",
  "មករា",
  "សុខហេង",
  "វីរៈ",
];

export const familyNames: string[] = [
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
  "ស៊ុន",
  "ប៊ុន",
  "ឡុង",
  "មាស",
  "នួន",
  "សៀង",
  "ខៀវ",
  "អ៊ុក",
  "ទេព",
  "សេង",
];
