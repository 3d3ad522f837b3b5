"""Word lists the bench data set is built from: plausible summit coverage, nothing real."""

from decimal import Decimal

FIRST_NAMES = [
    "Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Dong-hyun", "Soo-ah", "Hiroshi", "Yuki", "Wei",
    "Mei", "Arjun", "Priya", "Daniel", "Sarah", "Carlos", "Lucia", "Tan", "Nur", "Olivia", "James",
    "Amara", "Kenji", "Linh", "Rafael", "Chloe", "Ahmad", "Siti", "Mateo", "Hannah", "Ethan",
]  # fmt: skip
LAST_NAMES = [
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Tanaka", "Suzuki", "Sato",
    "Wang", "Li", "Zhang", "Chen", "Sharma", "Patel", "Nguyen", "Tran", "Santos", "Garcia",
    "Smith", "Brown", "Wilson", "Rahman", "Lim", "Tan", "Ong", "Reyes", "Walker",
]  # fmt: skip
ORG_PREFIXES = [
    "Hanbit", "Daehan", "Pacific", "Meridian", "Orion", "Sejong", "Kumo", "Lotus", "Harbor",
    "Summit", "Blue Ridge", "Jade", "Aurora", "Baekdu", "Coral", "Nimbus", "Tidal", "Granite",
]  # fmt: skip
ORG_SECTORS = [
    "Semiconductor", "Cloud", "Energy", "Robotics", "Telecom", "Battery", "Shipbuilding",
    "Logistics", "Biotech", "Motors", "Capital", "Data", "Networks", "Steel", "Software",
]  # fmt: skip
ORG_SUFFIXES = ["Group", "Holdings", "Corporation", "Industries", "Labs", "Partners", "Systems"]
GOVERNMENT_BODIES = [
    "Ministry of Science and ICT", "Ministry of Trade", "Ministry of Finance",
    "Presidential Office", "Energy Regulatory Commission", "Investment Agency",
    "Data Protection Authority", "Export Credit Agency",
]  # fmt: skip
COUNTRIES = [
    "Korea", "Japan", "Singapore", "Vietnam", "Indonesia", "Australia", "Chile", "Peru",
    "Thailand", "Malaysia", "Philippines", "Mexico", "Canada", "New Zealand",
]  # fmt: skip
CITIES = [
    "Gyeongju", "Ulsan", "Busan", "Incheon", "Daegu", "Osaka", "Da Nang", "Batam", "Cebu",
    "Penang", "Perth", "Valparaiso", "Lima", "Auckland", "Vancouver", "Monterrey",
]  # fmt: skip
EVENT_KINDS = ["CEO Summit", "Leaders' Meeting", "Digital Forum", "Energy Dialogue", "AI Summit"]
CODENAMES = ["Stargate", "Beacon", "Lighthouse", "Keystone", "Horizon", "Atlas", "Polaris"]
PRODUCTS = ["HBM4 memory", "AI accelerator", "solid-state battery", "6G modem", "LNG carrier"]

# Topic words drive article headlines and claim wording. "semiconductor" is the search term.
TOPICS = [
    "semiconductor", "data centre", "battery", "shipbuilding", "hydrogen", "nuclear",
    "robotics", "telecom", "cloud", "supply chain", "trade", "tariff", "startup", "talent",
    "grid", "carbon", "quantum", "biotech", "satellite", "logistics",
]  # fmt: skip
SEARCH_TERM = "semiconductor"

VERBS = ["will invest", "committed", "announced", "earmarked", "pledged", "raised", "approved"]
PURPOSES = [
    "to build a {topic} campus in {city}",
    "for {topic} research with partners in {country}",
    "to expand {topic} capacity in {city}",
    "in a {topic} joint venture with a partner from {country}",
]  # fmt: skip
STATEMENTS = [
    "{country} must treat {topic} as national infrastructure",
    "no single economy can secure the {topic} supply chain alone",
    "the region needs common rules for {topic} before the next summit",
    "{topic} investment is moving from announcements to construction",
]  # fmt: skip
FACTS = [
    "{city} hosted the first {topic} session of the summit",
    "the {topic} working group met for the third time this year",
    "{country} signed a memorandum on {topic} cooperation",
    "delegates toured a {topic} site outside {city}",
]  # fmt: skip
OPINIONS = [
    "the {topic} pledges look larger than the budgets behind them",
    "smaller economies were left out of the {topic} talks",
    "the {topic} agenda finally caught up with industry",
]  # fmt: skip
FILLER = [
    "Delegates from {country} arrived in {city} on the eve of the talks.",
    "The session on {topic} ran well past its scheduled end.",
    "Officials declined to give a timetable for the {topic} plans.",
    "Analysts said the {topic} announcements would take years to show results.",
    "Several chief executives met privately after the {topic} panel.",
    "The host city stepped up security around the convention centre.",
]  # fmt: skip
SECTION_HEADINGS = [
    "Investments", "Partnerships", "What leaders said", "The numbers", "Reaction",
    "What comes next", "Background",
]  # fmt: skip
HEADLINES = [
    "{country} bets on {topic} as summit opens in {city}",
    "{org} unveils {topic} plan at the summit",
    "Leaders split over {topic} rules",
    "Inside the {topic} deals struck in {city}",
    "Why {topic} dominated the second day in {city}",
]  # fmt: skip
PUBLISHERS = [
    ("Korea Daily Ledger", "ledger.example.com"), ("Pacific Business Wire", "pbw.example.com"),
    ("Asia Markets Today", "amt.example.net"), ("Gyeongju Herald", "herald.example.kr"),
    ("Global Tech Review", "gtr.example.org"), ("Harbor Street Journal", "hsj.example.com"),
]  # fmt: skip
SOURCE_SECTIONS = ["business", "tech", "economy", "politics", "world"]

# (wording, amount, unit, equivalent amount, equivalent unit): wording the figure parser reads
# back to exactly these values, so every figure claim is publishable.
FIGURES = [
    ("$5 billion", Decimal("5000000000"), "USD", None, ""),
    ("$2.5 billion", Decimal("2500000000"), "USD", None, ""),
    ("$500 billion", Decimal("500000000000"), "USD", None, ""),
    ("$750 million", Decimal("750000000"), "USD", None, ""),
    ("10.1 trillion won ($7 billion)", Decimal("10.1e12"), "KRW", Decimal("7e9"), "USD"),
    ("€750 million", Decimal("750000000"), "EUR", None, ""),
    ("35,000 GPUs", Decimal("35000"), "GPU", None, ""),
    ("260,000 GPUs", Decimal("260000"), "GPU", None, ""),
    ("100 MW", Decimal("100"), "MW", None, ""),
    ("12,000 jobs", Decimal("12000"), "job", None, ""),
]  # fmt: skip
