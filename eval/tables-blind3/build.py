"""Build the third blind table pack's corpus: 8 tables from public sources that no other pack here uses (Cloudflare's,
Supabase's and Kubernetes' open documentation, GOV.UK content in an alphagov repository and in the UK Government Web
Archive, a U.S. federal page, a German federal law as the bundestag/gesetze repository holds it, and Microsoft's
German lifecycle documentation; two of them in German). Each table is written as a small document (a title, a
section heading, one sentence that introduces the table, the table) by eval/tables-blind2/build.py's main, with the
table pack's own renderers (eval/tables/build.py), in one of four formats: Markdown, HTML, Word and PDF. The cells
are the sources' text (see README.md for what was dropped or resolved); they are copied into this file, so the build
needs nothing but this repository. Deterministic:

  python eval/tables-blind3/build.py

Needs python-docx and fpdf2 (both in requirements-test.lock)."""

# ruff: noqa: E501  (the tables' cells are the sources' text, some of it long)

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("blind2_build", HERE.parent / "tables-blind2" / "build.py")
blind2_build = importlib.util.module_from_spec(_spec)  # its renderers (eval/tables/build.py's) and its main
_spec.loader.exec_module(blind2_build)

# --- the tables' cells, as the sources have them (header row first) ---------------------------------------------

ROWS_CLOUDFLARE = [
    ["Feature", "Workers Free", "Workers Paid (Bundled, Unbound) and Standard"],
    ["Subrequests", "50/request", "50/request (Bundled), 1000/request (Unbound, Standard)"],
    ["Simultaneous outgoing connections/request", "6", "6"],
    ["Environment variables", "64/Worker", "128/Worker"],
    ["Environment variable size", "5 KB", "5 KB"],
    ["Worker size", "1 MB", "10 MB"],
    ["Worker startup time", "400 ms", "400 ms"],
    ["Number of Workers", "100", "500"],
    ["Number of Cron Triggers per account", "5", "250"],
]

ROWS_SUPABASE = [
    ["Compute Size", "Hourly Price USD", "Monthly Price USD", "CPU", "Memory", "Recommended Maximum DB Size"],
    ["Nano (free)", "$0", "$0", "Shared", "Up to 0.5 GB", "500MB"],
    ["Micro", "$0.01344", "~$10", "2-core ARM (shared)", "1 GB", "10GB"],
    ["Small", "$0.0206", "~$15", "2-core ARM (shared)", "2 GB", "50GB"],
    ["Medium", "$0.0822", "~$60", "2-core ARM (shared)", "4 GB", "100GB"],
    ["Large", "$0.1517", "~$110", "2-core ARM (dedicated)", "8 GB", "200GB"],
    ["XL", "$0.2877", "~$210", "4-core ARM (dedicated)", "16 GB", "500GB"],
    ["2XL", "$0.562", "~$410", "8-core ARM (dedicated)", "32 GB", "1TB"],
    ["4XL", "$1.32", "~$960", "16-core ARM (dedicated)", "64 GB", "2TB"],
    ["8XL", "$2.562", "~$1,870", "32-core ARM (dedicated)", "128 GB", "4TB"],
    ["12XL", "$3.836", "~$2,800", "48-core ARM (dedicated)", "192 GB", "6TB"],
    ["16XL", "$5.12", "~$3,730", "64-core ARM (dedicated)", "256 GB", "10TB"],
]

ROWS_VED = [
    ["CO2 emissions (g/km)", "First year rate", "Standard rate (1)"],
    ["0", "£0", "£0"],
    ["1-50", "£10", "£140"],
    ["51-75", "£25", "£140"],
    ["76-90", "£100", "£140"],
    ["91-100", "£120", "£140"],
    ["101-110", "£140", "£140"],
    ["110 -130", "£160", "£140"],
    ["131-150", "£200", "£140"],
    ["151-170", "£500", "£140"],
    ["171-190", "£800", "£140"],
    ["191-225", "£1200", "£140"],
    ["226-255", "£1700", "£140"],
    ["Over 255", "£2000", "£140"],
]

ROWS_LEAVE = [
    ["Years of service", "All other pay periods", "Last pay period of the calendar year"],
    ["Up to 3", "4 hours", "4 hours"],
    ["3 to 15", "6 hours", "10 hours"],
    ["15 or more", "8 hours", "8 hours"],
]

ROWS_NMW = [
    ["Rate", "Who gets it"],
    ["£6.08/hour", "Workers aged 21 and over"],
    ["£4.98/hour", "Workers aged 18-20"],
    ["£3.68/hour", "Workers above school leaving age but under 18"],
    ["£2.60/hour", "Apprentices under 19 or in the 1st year of their apprenticeship"],
]

ROWS_K8S = [
    ["Monthly Patch Release", "Cherry Pick Deadline", "Target date"],
    ["January 2023", "2023-01-13", "2023-01-18"],
    ["February 2023", "2023-02-10", "2023-02-15"],
    ["March 2023", "2023-03-10", "2023-03-15"],
    ["April 2023", "2023-04-07", "2023-04-12"],
]

ROWS_RENTE = [
    ["Versicherte Geburtsjahr", "Anhebung um Monate", "auf Alter Jahr", "auf Alter Monat"],
    ["1953", "2", "63", "2"],
    ["1954", "4", "63", "4"],
    ["1955", "6", "63", "6"],
    ["1956", "8", "63", "8"],
    ["1957", "10", "63", "10"],
    ["1958", "12", "64", "0"],
    ["1959", "14", "64", "2"],
    ["1960", "16", "64", "4"],
    ["1961", "18", "64", "6"],
    ["1962", "20", "64", "8"],
    ["1963", "22", "64", "10."],
]

# The source lists a cell's products one per line (<br>); here they are joined with "; " (one product name,
# "Internetinformationsdienste (IIS), IIS 10 auf Windows Server 2016", has a comma of its own).
ROWS_SUPPORTENDE = [
    ["Produkt", "Ende des Supports"],
    [
        "; ".join(
            [
                "BizTalk Server 2016",
                "Dynamics NAV 2017",
                "Microsoft Host Integration Server 2016",
                "System Center 2016 Data Protection",
                "System Center 2016 Operations Manager",
                "System Center 2016 Orchestrator",
                "System Center 2016 Service Manager",
                "System Center 2016 Virtual Machine Manager",
                "Visual Studio Team Foundation Server 2017",
            ]
        ),
        "Montag, 11. Januar 2027",
    ],
    [
        "; ".join(
            [
                "HPC Pack 2016",
                "Hyper-V Server 2016",
                "Internetinformationsdienste (IIS), IIS 10 auf Windows Server 2016",
                "Microsoft System Center Configuration Manager (LTSB \u2013 Version 1606)",
                "Windows 10 Enterprise LTSC 2021",
                "Windows Azure Pack (on Windows Server 2016)",
                "Windows Defender f\u00fcr Windows Server 2016",
                "Windows Server 2016",
                "Windows Server Update Services f\u00fcr Windows Server 2016",
                "Windows Storage Server 2016",
            ]
        ),
        "Dienstag, 12. Januar 2027",
    ],
    ["Visual Studio 2017", "Dienstag, 13. April 2027"],
    ["SQL Server 2017", "Dienstag, 12. Oktober 2027"],
]


# --- the documents -----------------------------------------------------------------------------------------------
# (file name, format, title, section heading, introducing sentence, rows, language). The sources, commits and
# licences are in README.md; in short: CF = cloudflare/cloudflare-docs (CC BY 4.0), SB = supabase/supabase
# (Apache-2.0), GOVUK = alphagov/govuk-content-schemas (Crown copyright, OGL v3.0), TNA = the UK Government Web
# Archive's copy of a GOV.UK page (OGL v3.0), DOC = commerce.gov (U.S. federal government work, public domain),
# K8S = kubernetes/website (CC BY 4.0), BT = bundestag/gesetze (German federal law, not protected: § 5 (1) UrhG),
# MS = MicrosoftDocs/lifecycle-data-pr.de-de (CC BY 4.0).
TABLES = [
    (  # CF: src/content/docs/workers/platform/limits.mdx
        "cloudflare-workers-limits",
        "md",
        "Limits",
        "Account plan limits",
        "Cloudflare Workers plan and platform limits.",  # the page's description (front matter)
        ROWS_CLOUDFLARE,
        "en",
    ),
    (  # SB: apps/docs/content/guides/platform/compute-add-ons.mdx
        "supabase-compute-prices",
        "html",
        "Compute Add-ons",
        "Compute sizes",  # ours: the page has no heading above the table
        "The following table describes the base instance with additional compute add-ons available if you need extra performance when scaling up Supabase.",
        ROWS_SUPABASE,
        "en",
    ),
    (  # GOVUK: examples/html_publication/frontend/long_form_and_automatically_numbered_headings.json (Summer Budget 2015)
        "ved-bands-2017",
        "pdf",
        "Summer Budget 2015",
        "Table 2.5: VED bands and rates for cars first registered on or after 1 April 2017",
        "The government will introduce a new VED banding system for cars registered on or after 1 April 2017.",
        ROWS_VED,
        "en",
    ),
    (  # DOC: https://commerce.gov/hr/employees/leave/annual/earning-leave-chart, first table
        "federal-annual-leave",
        "docx",
        "Earning Leave Chart",
        "Common Tour of Duty",
        "Full-time employees with an 80-hour tour of duty earn annual leave for each full biweekly pay period based on their years of service.",
        ROWS_LEAVE,
        "en",
    ),
    (  # TNA: webarchive.nationalarchives.gov.uk/20120706070951/https://www.gov.uk/national-minimum-wage-rates
        "minimum-wage-rates-2012",
        "pdf",
        "National Minimum Wage rates",
        "Rates",  # ours: the page has no heading above the table
        "There are 4 rates of National Minimum Wage, depending on your age and whether you\u2019re an apprentice.",
        ROWS_NMW,
        "en",
    ),
    (  # K8S: content/en/releases/patch-releases.md
        "kubernetes-patch-releases",
        "md",
        "Patch Releases",
        "Upcoming Monthly Releases",
        "Timelines may vary with the severity of bug fixes, but for easier planning we will target the following monthly release points.",
        ROWS_K8S,
        "en",
    ),
    (  # BT: s/sgb_6/index.md, \u00a7 236b Absatz 2
        "rente-besonders-langjaehrig",
        "docx",
        "Sozialgesetzbuch (SGB) Sechstes Buch (VI) - Gesetzliche Rentenversicherung",
        "\u00a7 236b Altersrente f\u00fcr besonders langj\u00e4hrig Versicherte",
        "F\u00fcr Versicherte, die nach dem 31. Dezember 1952 geboren sind, wird die Altersgrenze von 63 Jahren wie folgt angehoben:",
        ROWS_RENTE,
        "de",
    ),
    (  # MS: lifecycle-data/end-of-support/end-of-support-2027.md, "Produkte, die das Ende des Supports erreichen"
        "microsoft-supportende-2027",
        "html",
        "Produkte mit Supportende im Jahr 2027",
        "Produkte, die das Ende des Supports erreichen",
        "F\u00fcr die folgenden Produkte und Versionen, die unter die Fixed-Richtlinie fallen, endet der Support im Jahr 2027.",
        ROWS_SUPPORTENDE,
        "de",
    ),
]


def rendered_rows(name: str):
    """The table of a file (name with its suffix) as its rendering has it (blind 2's build reads it)."""
    return blind2_build.rendered_rows(name, TABLES)


if __name__ == "__main__":
    blind2_build.main(TABLES, HERE / "corpus")
