"""The demo's stories: fictional tech news, written for this project.

Each story has its first state (`paras`) and what happens to it later (`later`):
    append      paragraphs added at the end (an update, a correction note, a statement)
    edit        {paragraph index: new text}, a sentence rewritten in place
    title       a rewritten headline
    removed     the page answers 404
    bold_marker the first appended paragraph opens with <strong>Update:</strong>
Stories with an empty `later` only change their furniture (share counts, ads, relative
times, "Most Popular", comments), which must not make a new version.
`expect` is what the archive should hold after both crawls: the chain of version kinds, the
change records the last version must include, the update found in it, the final status.
`pull` is a sentence of the body that the page repeats as a pull quote.
"""

SUPPORT_LINE = "Support independent tech journalism \u2014 become a member today."

STORIES = [
    # The Circuit Ledger -------------------------------------------------------------------
    {
        "site": "circuit-ledger", "section": "chips",
        "path": "/2026/03/03/lumora-kestrel-2nm-laptop-chip-delay/",
        "title": "Lumora pushes its first 2-nanometer laptop chip into 2027, blaming packaging yields",
        "dek": "The delay leaves PC makers planning fall launches around last year\u2019s silicon.",
        "author": "Dana Okafor", "published": "2026-03-03T08:30:00-05:00",
        "modified_later": "2026-03-03T19:02:00-05:00",
        "tags": ["Lumora", "Semiconductors", "Laptops"],
        "caption": "A Lumora test wafer on display at the company\u2019s investor day in November.",
        "credit": "Photo: Ana Ruiz for The Circuit Ledger",
        "pull": "The bottleneck is a newer bonding technique that joins the dies with copper pads "
                "instead of solder bumps",
        "paras": [
            "Lumora said on Tuesday that Kestrel, its first laptop processor built on a "
            "2-nanometer process, will not reach customers until the first quarter of 2027, "
            "roughly six months later than the company promised at its investor day in November.",
            "In a note to PC makers seen by The Circuit Ledger, the company blamed the advanced "
            "packaging step that stacks Kestrel\u2019s cache die on top of its compute tiles. Only "
            "about half of the stacked parts are passing final test, two people familiar with the "
            "program said, well short of the level Lumora needs to ship in volume.",
            "The wafers themselves are not the problem, according to the note. Lumora\u2019s foundry "
            "partner has been producing Kestrel compute tiles since January, and those yields are "
            "tracking ahead of plan. The bottleneck is a newer bonding technique that joins the "
            "dies with copper pads instead of solder bumps, which lets the chips talk faster but "
            "leaves little room for error.",
            "For laptop makers, the timing is awkward. Three of Lumora\u2019s largest customers had "
            "built their fall lineups around Kestrel and will now have to refresh those machines "
            "with the current Merlin chips, which trail rival parts on battery life in most "
            "independent tests.",
            "Lumora\u2019s shares fell 4 percent in early trading. Analysts at Fenwick Partners wrote "
            "that the delay was \u201cannoying but not fatal,\u201d noting that the company still "
            "expects Kestrel to make up a quarter of its notebook shipments by the end of 2027.",
            "The company declined to comment on the yield figures. A spokesperson pointed to a "
            "short statement on its investor site saying Lumora was \u201cprioritizing quality and "
            "will share an updated roadmap in the coming weeks.\u201d",
        ],
        "later": {"append": [
            "Update, March 3, 7:02 p.m. ET: On a call with investors Tuesday evening, Lumora chief "
            "financial officer Priya Raman confirmed the new schedule and said the company had "
            "hired a second packaging supplier to add capacity. She did not give a yield figure.",
            "Lumora later sent The Circuit Ledger the following statement: \u201cKestrel remains the "
            "most important product on our roadmap. We would rather ship it a few months later "
            "than ship a part that does not meet our standards.\u201d",
        ]},
        "expect": {"changes": ["first", "appended_update"],
                   "update": {"kind": "update", "position": "appended",
                              "stated_time": "2026-03-03T19:02:00-05:00"}},
    },
    {
        "site": "circuit-ledger", "section": "chips",
        "path": "/2026/03/02/used-data-center-gpu-prices-record/",
        "title": "Data center operators are paying record prices for used GPUs, broker data shows",
        "dek": "Two-year-old accelerators now resell for more than they cost new.",
        "author": "Marcus Lindqvist", "published": "2026-03-02T14:05:00-05:00",
        "modified_later": "2026-03-04T10:15:00-05:00",
        "tags": ["GPUs", "Data centers", "AI"],
        "caption": "Server boards awaiting testing at a Tallyrack warehouse outside Reno.",
        "credit": "Photo: Tallyrack",
        "pull": "an older card that is available this week is often worth more than a faster one "
                "that arrives next year",
        "paras": [
            "Secondhand data center GPUs are selling for more than their original list price for "
            "the first time, according to transaction data compiled by the hardware broker "
            "Tallyrack, as companies that cannot get new accelerators settle for older ones.",
            "Tallyrack said the average resale price of a two-year-old eight-GPU server board rose "
            "31 percent between October and February. The broker handled about 9,400 boards over "
            "that period. Its largest single seller was Halvard Compute, a cloud provider that "
            "sold 12,000 cards after moving its training clusters to newer hardware.",
            "Buyers are mostly smaller cloud companies and university labs that want to run AI "
            "models rather than train them from scratch. For that work, an older card that is "
            "available this week is often worth more than a faster one that arrives next year, "
            "said Tallyrack\u2019s chief executive, In\u00e8s Marchetti.",
            "The premium has not spread to consumer graphics cards, whose used prices have been "
            "flat since the summer. Gaming cards lack the high-bandwidth memory and fast "
            "interconnects that data center buyers want, so they are of little use for serving "
            "large models.",
            "Some buyers are taking on risk. Tallyrack said roughly one in twenty boards it tested "
            "last quarter had at least one failing memory stack, a sign of the heavy use the cards "
            "saw in their first life. The broker now sells boards with a 90-day warranty, up from "
            "30 days a year ago.",
        ],
        "later": {
            "edit": {1: "Tallyrack said the average resale price of a two-year-old eight-GPU server "
                        "board rose 31 percent between October and February. The broker handled "
                        "about 9,400 boards over that period. Its largest single seller was Halvard "
                        "Compute, a cloud provider that sold about 1,200 boards after moving its "
                        "training clusters to newer hardware."},
            "append": [
                "Correction, March 4: An earlier version of this article misstated the number of "
                "boards Halvard Compute sold through Tallyrack. It was about 1,200, not 12,000.",
            ],
        },
        "expect": {"changes": ["first", "correction"],
                   "update": {"kind": "correction"}},
    },
    {
        "site": "circuit-ledger", "section": "devices",
        "path": "/2026/03/04/ferrite-mobile-in-house-modem-tidewater/",
        "title": "Ferrite Mobile shows off the first phone modem it designed itself",
        "dek": "The in-house part could save the company hundreds of millions a year in royalties.",
        "author": "Yuki Tanabe", "published": "2026-03-04T06:00:00-05:00",
        "tags": ["Ferrite Mobile", "5G", "Smartphones"],
        "caption": "Ferrite\u2019s Tidewater modem, shown next to a coin for scale.",
        "credit": "Photo: Ferrite Mobile",
        "pull": "The chip has to pass certification with hundreds of carriers",
        "paras": [
            "Ferrite Mobile on Wednesday showed a cellular modem designed by its own engineers, "
            "ending more than a decade in which every Ferrite phone relied on a chip bought from "
            "an outside supplier.",
            "The modem, called Tidewater, supports 5G on the low and mid bands but not the "
            "high-frequency millimeter-wave bands used in some stadiums and city centers. Ferrite "
            "said it will appear first in its mid-range phones this autumn and move into the "
            "flagship line next year.",
            "Building a modem is one of the hardest jobs in phone hardware. The chip has to pass "
            "certification with hundreds of carriers and keep working as a phone hands off "
            "between towers, bands and network generations, often while its owner is moving at "
            "highway speed.",
            "Ferrite has spent at least five years on the effort and bought a small radio design "
            "firm in Oulu, Finland, in 2023 to speed it up. Executives said Tidewater uses about "
            "20 percent less power than the modem in last year\u2019s phones when streaming video "
            "over a mid-band connection.",
            "The move also changes Ferrite\u2019s finances. The company pays royalties on every phone "
            "it ships, and analysts estimate that replacing the supplier\u2019s chip could save it "
            "between $300 million and $500 million a year once the transition is complete.",
        ],
        "later": {},
        "expect": {"changes": ["first"]},
    },
    {
        "site": "circuit-ledger", "section": "chips",
        "path": "/2026/03/01/quillon-risc-v-server-boards-distributors/",
        "title": "RISC-V server boards reach mainstream distributors for the first time",
        "dek": "Two large parts distributors will stock 64-core boards from Quillon Systems.",
        "author": "Dana Okafor", "published": "2026-03-01T10:00:00-05:00",
        "tags": ["RISC-V", "Servers", "Quillon"],
        "caption": "Quillon\u2019s QS-64 board with its heatsink removed.",
        "credit": "Photo: Quillon Systems",
        "pull": "many small cores matter more than peak single-thread speed",
        "paras": [
            "Server boards built around RISC-V processors will be sold through mainstream "
            "electronics distributors starting this month, a sign that the open instruction set is "
            "moving beyond development kits and into equipment that companies actually deploy.",
            "Quillon Systems said two of the largest parts distributors in North America and "
            "Europe will stock its QS-64 board, which pairs a 64-core processor with eight "
            "channels of DDR5 memory. Until now, buyers had to order Quillon hardware directly "
            "and wait up to four months.",
            "RISC-V is an instruction set that anyone can use without paying a license fee, unlike "
            "the x86 and Arm architectures that dominate servers today. It has spread quickly in "
            "microcontrollers and storage chips, but large server processors have been slower to "
            "arrive because they need a mature software stack.",
            "That stack is improving. Several major Linux distributions now publish official "
            "RISC-V builds, and Quillon said the QS-64 boots them without patches. The company is "
            "aiming at web serving and continuous-integration workloads, where many small cores "
            "matter more than peak single-thread speed.",
            "Prices start at $2,900 for a board with 128GB of memory. Quillon declined to share "
            "sales figures but said orders from hosting companies had tripled since the autumn.",
        ],
        "later": {},
        "expect": {"changes": ["first"]},
    },
    # Patchwire ----------------------------------------------------------------------------
    {
        "site": "patchwire", "section": "vulnerabilities",
        "path": "/vulnerabilities/tessellate-vpn-gateway-flaw-exploited/",
        "title": "Attackers are exploiting an unpatched flaw in Tessellate VPN gateways",
        "dek": "The bug lets anyone reach the admin console without a password. No fix is out yet.",
        "author": "Renata Kowalczyk", "published": "2026-03-04T07:45:00-05:00",
        "modified_later": "2026-03-05T08:20:00-05:00",
        "tags": ["Tessellate", "VPN", "Zero-day"],
        "caption": "A rack of VPN appliances in a corporate network closet.",
        "credit": "Image: Patchwire / Getty",
        "pull": "VPN appliances have become a favorite target because they sit at the edge of a "
                "network",
        "paras": [
            "Attackers are actively exploiting a critical vulnerability in Tessellate\u2019s line of "
            "corporate VPN gateways, the company confirmed on Wednesday, and there is no patch "
            "yet for the bug.",
            "The flaw, tracked as CVE-2026-21877, sits in the web interface that administrators "
            "use to manage the devices. A specially crafted request lets an attacker skip the "
            "login page entirely and run commands on the gateway with full privileges. Tessellate "
            "rated it 9.8 out of 10 for severity.",
            "Researchers at the incident response firm Brightwater said they first saw the bug "
            "used against a logistics company in late February. Since then they have found signs "
            "of compromise at about 40 organizations, mostly in manufacturing and local "
            "government, where attackers installed a small backdoor that survives reboots.",
            "Until a fix ships, Tessellate is telling customers to block access to the management "
            "interface from the internet. It should be off by default but is often left open to "
            "make remote administration easier, and scans by Brightwater found roughly 11,000 "
            "gateways with the interface exposed.",
            "It is the third serious flaw in Tessellate gateways in 18 months. VPN appliances have "
            "become a favorite target because they sit at the edge of a network, are rarely "
            "watched as closely as laptops and servers, and hold credentials that open the door "
            "to everything behind them.",
        ],
        "later": {"bold_marker": True, "append": [
            "Update: Tessellate released firmware version 7.4.2 on Thursday morning, which it says "
            "fixes the vulnerability. The company is urging customers to install it immediately "
            "and to check their gateways for the backdoor with a script it published alongside "
            "the patch.",
        ]},
        "expect": {"changes": ["first", "appended_update"],
                   "update": {"kind": "update", "position": "appended"}},
    },
    {
        "site": "patchwire", "section": "breaches",
        "path": "/breaches/keyfold-password-manager-vault-backups-accessed/",
        "title": "Password manager Keyfold says hackers accessed encrypted vault backups",
        "author": "Samir Haddad", "published": "2026-03-03T16:20:00-05:00",
        "modified_later": "2026-03-04T12:05:00-05:00",
        "dek": "Master passwords were not exposed, the company says, but users should turn on "
               "two-factor authentication.",
        "tags": ["Keyfold", "Password managers", "Data breach"],
        "caption": "Keyfold\u2019s vault app on a phone and a laptop.",
        "credit": "Image: Keyfold",
        "pull": "the stolen data should be unreadable unless an attacker can guess a user\u2019s "
                "master password",
        "paras": [
            "Keyfold, a password manager with about 6 million users, said on Tuesday that an "
            "intruder gained access to a cloud storage account holding encrypted backups of "
            "customer vaults.",
            "The company said the attacker used credentials stolen from an engineer\u2019s personal "
            "computer to log in to the storage account in mid-February. Keyfold did not say how "
            "many vaults were affected, and said its investigation was continuing.",
            "Vaults are encrypted with a key derived from each user\u2019s master password, which "
            "Keyfold says it never stores. That means the stolen data should be unreadable unless "
            "an attacker can guess a user\u2019s master password, a task that becomes much easier if "
            "the password is short or reused elsewhere.",
            "Security researchers said the risk depends heavily on how many rounds of hashing each "
            "vault used. Keyfold raised its default in 2023, but older accounts that were never "
            "updated may still use the weaker setting, which makes guessing attacks far cheaper.",
            "Keyfold is asking users to change their master password, turn on two-factor "
            "authentication and rotate passwords for their most important accounts, starting "
            "with email and banking.",
        ],
        "later": {
            "title": "Keyfold confirms hackers copied encrypted vault backups belonging to 3 "
                     "percent of users",
            "edit": {1: "The company said the attacker used credentials stolen from an engineer\u2019s "
                        "personal computer to log in to the storage account in mid-February. The "
                        "backups belonged to about 3 percent of Keyfold\u2019s users, the company "
                        "said, and its investigation was continuing."},
        },
        "expect": {"changes": ["first", "title_change"], "records": ["sentence_edit"]},
    },
    {
        "site": "patchwire", "section": "vulnerabilities",
        "path": "/vulnerabilities/key-fob-replay-attack-40-dollar-radio/",
        "title": "Researchers unlock cars with a $40 radio by replaying key fob signals",
        "dek": "Models from two automakers accepted codes they should have rejected.",
        "author": "Renata Kowalczyk", "published": "2026-03-02T11:00:00-05:00",
        "tags": ["Cars", "Radio", "Research"],
        "caption": "The researchers\u2019 test rig: a laptop, a software-defined radio and a key fob.",
        "credit": "Image: courtesy of the researchers",
        "pull": "a flaw they call a window rollback",
        "paras": [
            "A team of university researchers showed that some recent cars can be unlocked with a "
            "$40 software-defined radio, by recording the signal from a key fob and playing it "
            "back later.",
            "Modern key fobs are supposed to defeat this trick with rolling codes, which change "
            "every time a button is pressed so that a recorded signal is useless. The researchers "
            "found that models from two automakers would still accept older codes after the car "
            "had received a newer one, a flaw they call a window rollback.",
            "The attack requires the thief to be within radio range when the owner presses the "
            "button, and then again later at the car. That limits it to targeted theft, the "
            "researchers said, but the equipment is cheap and the technique can be scripted.",
            "Both automakers were told about the problem last autumn. One has pushed an "
            "over-the-air update to affected vehicles; the other said a fix needs a dealer visit "
            "and will be offered during routine service.",
            "The team will present the work at a security conference in May and has withheld the "
            "code it used to automate the attack.",
        ],
        "later": {},
        "expect": {"changes": ["first"]},
    },
    # Gigahertz Daily ----------------------------------------------------------------------
    {
        "site": "gigahertz-daily", "section": "cloud",
        "path": "/news/48213/stratocirrus-outage-smart-locks-offline/",
        "title": "Cloud outage at Stratocirrus leaves smart locks and doorbells offline for hours",
        "dek": "Some owners could not open their own front doors from the app.",
        "author": "Leila Brandt", "published": "2026-03-04T13:10:00-05:00",
        "modified_later": "2026-03-05T10:40:00-05:00",
        "tags": ["Outages", "Smart home", "Stratocirrus"],
        "caption": "A smart lock showing its offline indicator.",
        "credit": "Photo by Jonas Weber for Gigahertz Daily",
        "pull": "features that could run on the device itself often depend on a round trip to a "
                "distant data center",
        "paras": [
            "A failure at the cloud provider Stratocirrus knocked thousands of smart home devices "
            "offline for more than five hours on Wednesday, leaving some owners unable to unlock "
            "their front doors from their phones.",
            "The outage began at about 6:40 a.m. Eastern time in Stratocirrus\u2019s US-East region "
            "and spread to services that depend on it, including the device platforms used by at "
            "least three smart lock makers and a popular video doorbell brand. The status page "
            "blamed \u201celevated error rates in an internal networking service.\u201d",
            "Locks with a keypad or a physical key kept working, and most doorbells kept recording "
            "to local storage. But owners who rely only on an app, including many short-term "
            "rental hosts who send guests digital keys, were stuck. Several hosts said they had "
            "to drive to their properties to let guests in.",
            "The incident revives a long-running complaint about connected gadgets: features that "
            "could run on the device itself often depend on a round trip to a distant data center. "
            "Two of the affected lock makers said their next firmware updates would let locks "
            "accept keys issued before a connection was lost.",
            "Service was fully restored by noon, according to Stratocirrus, which said it would "
            "publish a detailed account of the failure within a week.",
        ],
        "later": {"append": [
            "Update, March 5, 2026, 10:40 a.m. ET: Stratocirrus has published a preliminary "
            "incident report. It says a routine configuration change to its internal DNS service "
            "was applied to every availability zone at once instead of one at a time, and that "
            "the automatic rollback failed because it depended on the same service.",
            "The company said it has paused similar changes until it adds a staged rollout check.",
        ]},
        "expect": {"changes": ["first", "appended_update"],
                   "update": {"kind": "update", "position": "appended",
                              "stated_time": "2026-03-05T10:40:00-05:00"}},
    },
    {
        "site": "gigahertz-daily", "section": "mobile",
        "path": "/news/48190/orchard-tablet-drops-headphone-jack/",
        "title": "Orchard\u2019s next tablet will drop the headphone jack, supplier sources say",
        "dek": "The space goes to a bigger battery, according to early production orders.",
        "author": "Theo Vance", "published": "2026-03-03T18:30:00-05:00",
        "tags": ["Orchard", "Tablets", "Rumors"],
        "caption": "Orchard\u2019s current mid-range tablet, which still has a headphone jack.",
        "credit": "Photo by Theo Vance / Gigahertz Daily",
        "pull": "cannot be paired with the wrong device in a crowded classroom",
        "paras": [
            "Orchard\u2019s next mid-range tablet will be the first in the line without a headphone "
            "jack, according to two people at component suppliers who have seen early production "
            "orders.",
            "The tablet, expected in the autumn, is said to use the freed space for a larger "
            "battery. One of the people said capacity grows from 7,600 to 8,100 milliampere-hours, "
            "which would be the largest Orchard has put in a tablet of this size.",
            "Orchard removed the jack from its phones years ago but kept it on its cheaper "
            "tablets, which sell heavily to schools. Education buyers have long asked for wired "
            "headphones because they are cheap, need no charging and cannot be paired with the "
            "wrong device in a crowded classroom.",
            "Orchard does not comment on unreleased products. The company typically settles "
            "tablet designs about six months before launch, so the plans could still change.",
        ],
        "later": {"removed": True},
        "expect": {"changes": ["first"], "status": "removed"},
    },
    {
        "site": "gigahertz-daily", "section": "mobile",
        "path": "/news/48102/orchard-app-store-outside-payment-links-14-countries/",
        "title": "Orchard will let developers link to outside payments in 14 more countries",
        "dek": "The commission on linked purchases stays, which critics say defeats the point.",
        "author": "Leila Brandt", "published": "2026-03-02T09:00:00-05:00",
        "tags": ["Orchard", "App stores", "Regulation"],
        "caption": "The app store\u2019s new notice shown before an outside purchase link opens.",
        "credit": "Screenshot: Gigahertz Daily",
        "pull": "It is a door with a toll booth behind it",
        "paras": [
            "Orchard will allow app developers in 14 more countries to include a link to their own "
            "websites for purchases, the company said on Monday, extending a policy it first "
            "adopted under pressure from regulators in South Korea and the Netherlands.",
            "Developers who use the link will still owe Orchard a commission of 20 percent on "
            "sales made within seven days of a user tapping it, down from the 30 percent it "
            "charges on purchases made through its own payment system. Small developers in its "
            "reduced-fee program will pay 10 percent.",
            "The change covers countries in Latin America and Southeast Asia, including Brazil, "
            "Mexico, Indonesia and Vietnam. Orchard said it was responding to \u201cevolving "
            "expectations\u201d from governments, several of which have opened inquiries into app "
            "store fees in the past two years.",
            "Developer groups said the commission leaves little reason to use the option, since "
            "payment processors charge their own fees on top. \u201cIt is a door with a toll booth "
            "behind it,\u201d said Marisol Echeverr\u00eda, who runs a trade association for app makers "
            "in Mexico City.",
            "Orchard also said it would show a full-screen notice before sending users to an "
            "outside site, a step critics say is meant to discourage them. The company said the "
            "notice protects users from scams.",
        ],
        "later": {},
        "expect": {"changes": ["first"]},
    },
]

# Reader comments: furniture that grows between the two states.
COMMENTS = [
    ("kb_rivera", "Third story like this I have read this month. At some point somebody has to "
                  "change how this works."),
    ("ohm_sweet_ohm", "Good reporting. I would love a follow-up on what this means for prices."),
    ("parallax", "The interesting part is buried in the middle of the piece, as usual."),
    ("nadia.k", "We ran into exactly this at work last month and nobody could tell us why."),
    ("throwaway_2291", "Not surprised. The incentives all point the same way."),
    ("m_osei", "Does anyone know whether this affects the older models too?"),
    ("fernwood", "Reading this from a train with no signal, which feels appropriate somehow."),
]
