"""Word lists the synthetic claim sets are built from, in the manner of the seed articles.

Topics carry statement templates: ``(statement, quote, keyword)``. ``{S}`` is the
speaker as a statement names them, ``{N}`` a stated number ("at least 2,000",
"dozens of"), ``{G}`` a group of people, ``{P}`` a place, ``{H}`` a small count
(hours, days). The keyword is the word of the statement that says what the topic is;
topic-synonym queries use a synonym that shares no word with the statement.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

Template = tuple[str, str, str]

# id, label, synonyms, rank, templates
TOPICS: list[tuple[str, str, list[str], int, list[Template]]] = [
    ("deaths", "Deaths", ["killed", "dead", "death toll", "fatalities", "died"], 1, [
        ("{S} says {N} {G} were killed in {P}", "{N} {G} were killed in {P}", "killed"),
        ("{S}: {N} {G} died during clashes in {P}", "{N} {G} died during the clashes in {P}",
         "died"),
    ]),
    ("arrests", "Arrests", ["detained", "arrested", "arrests", "detentions", "custody"], 2, [
        ("{S} says {N} {G} were detained in {P}", "{N} {G} were detained in {P}", "detained"),
        ("{S} reports {N} {G} arrested overnight in {P}", "{N} {G} were arrested overnight in {P}",
         "arrested"),
    ]),
    ("injured", "Injured", ["injured", "wounded", "hurt", "hospitalised", "casualties"], 3, [
        ("{S} says {N} {G} were injured in {P}", "{N} {G} were injured in {P}", "injured"),
        ("{S}: {N} {G} hospitalised after riots in {P}",
         "{N} {G} have been hospitalised after the riots in {P}", "hospitalised"),
    ]),
    ("troops", "Troop deployment", ["troops", "soldiers", "peacekeepers", "paratroopers",
                                    "servicemen"], 4, [
        ("{S} says {N} CSTO peacekeepers arrived in {P}", "{N} CSTO peacekeepers arrived in {P}",
         "peacekeepers"),
        ("{S} says paratroopers were deployed to {P}", "paratroopers were deployed to {P}",
         "paratroopers"),
    ]),
    ("foreign-fighters", "Foreign fighters", ["foreign fighters", "jihadists", "militants",
                                              "mercenaries", "terrorists"], 5, [
        ("{S} says {N} jihadists from abroad attacked {P}",
         "{N} jihadists from abroad attacked {P}", "jihadists"),
        ("{S} claims foreign militants trained to seize {P}",
         "foreign militants were trained to seize {P}", "militants"),
    ]),
    ("coup", "Coup attempt", ["coup", "seizure of power", "overthrow", "colour revolution",
                              "putsch"], 6, [
        ("{S} calls the unrest in {P} an attempted coup",
         "what happened in {P} was an attempted coup", "coup"),
        ("{S} says a colour revolution was attempted in {P}",
         "a colour revolution was attempted in {P}", "revolution"),
    ]),
    ("internet", "Internet shutdown", ["internet", "blackout", "shutdown", "connectivity",
                                       "offline"], 7, [
        ("{S} says the internet was cut in {P} for {H} hours",
         "the internet was cut in {P} for {H} hours", "internet"),
        ("{S} says a blackout left {P} offline", "the blackout left {P} offline", "blackout"),
    ]),
    ("fuel-prices", "Fuel prices", ["fuel", "gas prices", "LPG", "petrol", "price cap"], 8, [
        ("{S} says fuel prices doubled in {P}", "fuel prices doubled in {P}", "fuel"),
        ("{S} promises a cap on LPG prices in {P}", "prices for LPG in {P} will be capped", "LPG"),
    ]),
    ("curfew", "Curfew", ["curfew", "state of emergency", "lockdown", "emergency rule"], 9, [
        ("{S} says a curfew was imposed in {P}", "a curfew was imposed in {P}", "curfew"),
        ("{S} extends the state of emergency in {P} by {H} days",
         "the state of emergency in {P} is extended by {H} days", "emergency"),
    ]),
    ("weapons", "Weapons seized", ["weapons", "firearms", "guns", "rifles", "arms"], 10, [
        ("{S} says {N} firearms were stolen from shops in {P}",
         "{N} firearms were stolen from shops in {P}", "firearms"),
        ("{S} says rioters seized weapons in {P}", "rioters seized weapons in {P}", "weapons"),
    ]),
    ("looting", "Looting", ["looting", "looted", "plundered", "looters", "marauders"], 11, [
        ("{S} says shops were looted in {P}", "shops were looted in {P}", "looted"),
        ("{S} blames marauders for damage in {P}", "marauders caused the damage in {P}",
         "marauders"),
    ]),
    ("buildings", "Attacks on buildings", ["buildings", "akimat", "set on fire", "torched",
                                           "stormed"], 12, [
        ("{S} says the akimat in {P} was torched", "the akimat in {P} was torched", "akimat"),
        ("{S} says rioters stormed government buildings in {P}",
         "rioters stormed government buildings in {P}", "stormed"),
    ]),
    ("airport", "Airport seizure", ["airport", "runway", "terminal", "flights"], 13, [
        ("{S} says protesters took control of the airport in {P}",
         "protesters took control of the airport in {P}", "airport"),
        ("{S} says flights to {P} were suspended", "flights to {P} were suspended", "flights"),
    ]),
    ("hostages", "Hostages", ["hostages", "abducted", "captive", "kidnapped"], 14, [
        ("{S} says {N} {G} were taken hostage in {P}", "{N} {G} were taken hostage in {P}",
         "hostage"),
        ("{S} says {N} {G} were abducted in {P}", "{N} {G} were abducted in {P}", "abducted"),
    ]),
    ("resignation", "Government resignation", ["resigned", "resignation", "dismissed", "sacked",
                                               "stepped down"], 15, [
        ("{S} says the governor of {P} was dismissed", "the governor of {P} was dismissed",
         "dismissed"),
        ("{S} says the mayor of {P} resigned", "the mayor of {P} has resigned", "resigned"),
    ]),
    ("banks", "Bank closures", ["banks", "cash", "ATMs", "withdrawals"], 16, [
        ("{S} says banks in {P} stayed closed for {H} days",
         "banks in {P} stayed closed for {H} days", "banks"),
        ("{S} says cash machines in {P} ran dry", "cash machines in {P} ran dry", "cash"),
    ]),
    ("media", "Media restrictions", ["journalists", "press", "reporters", "censorship"], 17, [
        ("{S} says {N} journalists were detained in {P}", "{N} journalists were detained in {P}",
         "journalists"),
        ("{S} says reporters were barred from {P}", "reporters were barred from {P}",
         "reporters"),
    ]),
    ("amnesty", "Amnesty", ["amnesty", "pardon", "released", "freed"], 18, [
        ("{S} says {N} detainees in {P} will be released",
         "{N} detainees in {P} will be released", "released"),
        ("{S} announces an amnesty for {G} in {P}", "there will be an amnesty for {G} in {P}",
         "amnesty"),
    ]),
    ("evacuation", "Evacuations", ["evacuated", "evacuation", "fled", "airlift"], 19, [
        ("{S} says {N} foreign nationals were evacuated from {P}",
         "{N} foreign nationals were evacuated from {P}", "evacuated"),
        ("{S} says families fled {P} by road", "families fled {P} by road", "fled"),
    ]),
    ("protests", "Protests", ["protests", "rally", "demonstration", "march", "unrest"], 0, [
        ("{S} says {N} people joined a rally in {P}", "{N} people joined a rally in {P}", "rally"),
        ("{S} says peaceful protests in {P} were hijacked",
         "peaceful protests in {P} were hijacked", "protests"),
    ]),
]

# Topics whose figures are counts of people: (topic id, clause with {W} words, {G} group).
FIGURE_TOPICS: list[tuple[str, str]] = [
    ("deaths", "officials in {P} said {W} {G} had been killed"),
    ("arrests", "police in {P} said {W} {G} had been detained"),
    ("injured", "doctors in {P} said {W} {G} had been injured"),
    ("hostages", "officials in {P} said {W} {G} had been taken hostage"),
]

GROUPS = [
    "protesters", "demonstrators", "police officers", "soldiers", "civilians", "rioters",
    "attackers", "bystanders", "members of the security forces", "students", "workers",
    "officials", "foreign nationals", "oil workers", "taxi drivers",
]

REAL_PLACES = [
    "Almaty", "Astana", "Aktau", "Zhanaozen", "Taraz", "Shymkent", "Kyzylorda", "Aktobe",
    "Atyrau", "Uralsk", "Semey", "Taldykorgan", "Karaganda", "Pavlodar", "Kostanay",
    "Petropavl", "Turkestan", "Ekibastuz", "Temirtau", "Zharkent", "Kokshetau", "Baikonur",
]
PLACE_HEADS = [
    "Ak", "Kara", "Zhan", "Kyzyl", "Bal", "Sary", "Ust", "Tal", "Shu", "Ay", "Kok", "Ter",
    "Bay", "Ush", "Kos", "Zhet", "Yes", "Ken", "Tas", "Mak", "Sar", "Bur", "Kar", "Ors",
    "Zhel", "Aral", "Kul", "Bel", "Ar", "Shar", "Tor", "Dos", "Kap", "Lep", "Mer", "Nar",
]
PLACE_MIDS = ["", "a", "y", "u", "o", "e", "an", "al", "ar", "ta", "zy", "ke", "ba", "su"]
PLACE_TAILS = [
    "tobe", "kent", "su", "agash", "kol", "bulak", "tau", "zhar", "aul", "kum", "bas",
    "kala", "tas", "saz", "ozen", "bay", "dala", "kamys", "tal", "sor", "tyube",
]

FIRST_NAMES = [
    "Anatoly", "Sergei", "Dmitry", "Kassym", "Askar", "Nurlan", "Yerlan", "Marat", "Bakhyt",
    "Aigerim", "Dinara", "Gulnara", "Olga", "Maria", "Timur", "Daniyar", "Yerzhan", "Saule",
    "Zhanna", "Aliya", "Ruslan", "Arman", "Berik", "Serik", "Ivan", "Nikolai", "Viktor",
    "Yevgeny", "Mikhail", "Charles", "Josep", "Antony", "Ned", "Wang", "Emmanuel", "Ursula",
    "Dzmitry", "Alexander", "Igor", "Pavel", "Yulia", "Natalia", "Kairat", "Beibut",
    "Mukhtar", "Rakhat", "Aidos", "Almas", "Bauyrzhan", "Galym", "Murat", "Karim", "Asel",
    "Madina", "Kuanysh", "Zhaslan", "Akhmetzhan", "Nurzhan", "Yelena", "Svetlana",
]
SURNAME_HEADS = [
    "Tok", "Nazar", "Mam", "Sars", "Ash", "Zhan", "Kul", "Tur", "Gal", "Bol", "Ab", "Dos",
    "Kas", "Mukh", "Nur", "Ter", "Kuz", "Sok", "Lav", "Ant", "Pes", "Mas", "Sul", "Yer",
    "Zhak", "Ish", "Bek", "Kair", "Zhum", "Tas", "Ors", "Sag", "Ibr", "Khal", "Ras", "Tuk",
    "Bay", "Sap", "Uze", "Kemel", "Shayakh", "Yesim", "Tleu", "Smag", "Omar", "Dzhak",
]
SURNAME_MIDS = ["", "a", "i", "e", "o", "u", "ym", "en", "ar", "ib", "im", "al", "ber", "ush"]
SURNAME_TAILS = ["ov", "ev", "ayev", "bekov", "ova", "enko", "uly", "in", "sky", "yev", "akhmetov"]

# Transliteration variants, tried in order; the first that changes the name is the alias.
TRANSLIT: list[tuple[str, str]] = [
    ("ayev", "aev"), ("yev", "iev"), ("kh", "h"), ("zh", "j"), ("Zh", "J"), ("Kh", "H"),
    ("ov", "off"), ("ev", "eff"), ("ova", "owa"), ("enko", "enco"), ("uly", "uli"),
    ("sky", "ski"), ("in", "ine"), ("y", "i"), ("K", "Q"),
]

BODIES: list[tuple[str, str, list[str], str]] = [
    ("interior-ministry", "Interior Ministry", ["Ministry of Internal Affairs", "MVD"],
     "ministry of internal affairs of Kazakhstan"),
    ("health-ministry", "Health Ministry", ["Ministry of Healthcare"], "health ministry"),
    ("prosecutor-general", "Prosecutor General", ["Office of the Prosecutor General"],
     "prosecution service"),
    ("akorda", "Akorda", ["Presidential Office", "Office of the President"],
     "president's office"),
    ("csto-secretariat", "CSTO Secretariat", ["Collective Security Treaty Organization"],
     "military alliance"),
    ("national-security-committee", "National Security Committee", ["KNB", "KNB of Kazakhstan"],
     "security service"),
    ("emergencies-ministry", "Emergencies Ministry", ["Ministry for Emergency Situations"],
     "emergencies ministry"),
    ("state-department", "State Department", ["US State Department"], "US foreign ministry"),
    ("russian-foreign-ministry", "Russian Foreign Ministry", ["MFA of Russia", "MID"],
     "Russian foreign ministry"),
    ("almaty-police", "Almaty Police", ["Almaty police department"], "city police"),
    ("khabar-tv", "Khabar TV", ["Khabar 24", "state television"], "state broadcaster"),
    ("oralman-union", "Oralman Union", ["Union of Oralmans"], "civic group"),
]

ROLES = [
    "ambassador to the United States", "president", "foreign minister", "interior minister",
    "police chief", "mayor", "opposition activist", "political analyst", "spokesperson",
    "member of parliament", "regional governor", "military commander", "human rights lawyer",
    "blogger", "trade union leader", "prosecutor", "health minister", "senator",
]

OUTLET_A = [
    "Daily", "Morning", "Evening", "Central Asia", "Steppe", "Caspian", "Global", "Eurasia",
    "Baltic", "Pacific", "Northern", "Continental", "Frontier", "Capital", "Metro", "Silk Road",
]
OUTLET_B = [
    "Star", "Herald", "Times", "Post", "Telegraph", "News", "Observer", "Review", "Monitor",
    "Tribune", "Gazette", "Courier", "Dispatch", "Chronicle", "Express", "Ledger",
]
RELAYS = ["AFP", "TASS", "Reuters", "AP", "Interfax", "RIA Novosti", "Kazinform", "Xinhua"]
AUTHORS = [
    "Ben Chacko", "Anna Petrova", "Daniyar Seitkali", "Sarah Klein", "Tom Wright",
    "Aizhan Kassymova", "Pierre Martin", "Li Wei", "John Harris", "Olga Ivanova",
]
FILLER = [
    "Banks have been shut down across the nation and flights into the country have been halted.",
    "Residents were cut off from the rest of the world as the internet was shut off.",
    "The protests began in the west of the country after a rise in fuel prices.",
    "Government buildings were torched and shops were looted in several cities.",
    "There was no immediate confirmation of the figures from independent sources.",
    "The situation in the region remained tense on Sunday, according to local reports.",
    "Video posted by a local blogger showed the mayor's office ablaze.",
    "Moscow has warned that it is prepared to step in to prevent uprisings of that sort.",
    "The claims could not be independently verified.",
    "Analysts said the unrest reflected long-standing anger over inequality.",
]
