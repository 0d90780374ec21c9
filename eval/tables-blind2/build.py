"""Build the second blind table pack's corpus: 10 tables from public sources that no other pack here uses (GOV.UK
content in alphagov's repositories, Wikipedia tables as the WikiTableQuestions data set holds them, GitHub's and
Microsoft's open documentation, two of them in German). Each table is written as a small document (a title, a
section heading, one sentence that introduces the table, the table) by the table pack's own renderers, imported
from eval/tables/build.py, in one of four formats: Markdown, HTML, Word and PDF. The cells are the sources' text
(see README.md for what was dropped or resolved); they are copied into this file, so the build needs nothing but
this repository. Deterministic:

  python eval/tables-blind2/build.py

Needs python-docx and fpdf2 (both in requirements-test.lock)."""

# ruff: noqa: E501  (the tables' cells are the sources' text, some of it long)

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("tables_build", HERE.parent / "tables" / "build.py")
tables_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tables_build)

# --- the tables' cells, as the sources have them (header row first) ---------------------------------------------

ROWS_GITHUB = [
    ["Plan", "Storage", "Minutes (per month)"],
    ["GitHub Free", "500 MB", "2,000"],
    ["GitHub Pro", "1 GB", "3,000"],
    ["GitHub Free for organizations", "500 MB", "2,000"],
    ["GitHub Team", "2 GB", "3,000"],
    ["GitHub Enterprise Cloud", "50 GB", "50,000"],
]

ROWS_KEYSTAGES = [
    ["Age", "Year", "Key stage", "Assessment"],
    ["3 to 4", "", "Early years", ""],
    [
        "4 to 5",
        "Reception",
        "Early years",
        "Teacher assessments (there’s also an optional assessment at the start of the year)",
    ],
    ["5 to 6", "Year 1", "KS1", "Phonics screening check"],
    ["6 to 7", "Year 2", "KS1", "National tests and teacher assessments in English, maths and science"],
    ["7 to 8", "Year 3", "KS2", ""],
    ["8 to 9", "Year 4", "KS2", ""],
    ["9 to 10", "Year 5", "KS2", ""],
    [
        "10 to 11",
        "Year 6",
        "KS2",
        "National tests and teacher assessments in English and maths, and teacher assessments in science",
    ],
    ["11 to 12", "Year 7", "KS3", ""],
    ["12 to 13", "Year 8", "KS3", ""],
    ["13 to 14", "Year 9", "KS3", ""],
    ["14 to 15", "Year 10", "KS4", "Some children take GCSEs"],
    ["15 to 16", "Year 11", "KS4", "Most children take GCSEs or other national qualifications"],
]

ROWS_PUPIL = [
    ["Pupils", "Per pupil rate"],
    ["Disadvantaged pupils: primary", "£1,320"],
    ["Disadvantaged pupils: secondary", "£935"],
    [
        "Pupil premium plus: looked-after children (LAC) and those adopted from care or who leave care under a special guardianship order or child arrangements order (formally known as a residence order)",
        "£1,900",
    ],
    ["Service children", "£300"],
]

ROWS_EMBASSY = [
    ["Date", "Public holiday"],
    ["Monday 2 January", "New Year’s Day (substitute day)"],
    ["Friday 6 January", "Epifanía del Señor"],
    ["Thursday 6 April", "Maundy Thursday"],
    ["Friday 7 April", "Good Friday"],
    ["Monday 10 April", "Easter Monday"],
    ["Monday 1 May", "International Worker’s Day"],
    ["Tuesday 2 May", "Día de la Comunidad de Madrid"],
    ["Monday 8 May", "Coronation of His Majesty King Charles III"],
    ["Tuesday 15 August", "Asuncion de la Virgen"],
    ["Thursday 12 October", "Fiesta Nacional de España"],
    ["Wednesday 1 November", "Día de Todos los Santos"],
    ["Wednesday 6 December", "Constitution Day"],
    ["Friday 8 December", "Día Inmaculada Concepción"],
    ["Monday 25 December", "Christmas Day"],
    ["Tuesday 26 December", "Boxing Day"],
]

ROWS_M6 = [
    [
        "Date introduced",
        "Class 1 (e.g. Motorbike)",
        "Class 2 (e.g. Car)",
        "Class 3 (e.g. Car with trailer)",
        "Class 4 (e.g. Van)",
        "Class 5 (e.g. HGV)",
    ],
    ["9 December 2003", "£1.00", "£2.00", "£5.00", "£5.00", "£10.00"],
    ["23 July 2004", "£1.00", "£2.00", "£5.00", "£5.00", "£6.00"],
    ["16 August 2004", "£2.00", "£3.00", "£6.00", "£6.00", "£6.00"],
    ["14 June 2005", "£2.50", "£3.50", "£7.00", "£7.00", "£7.00"],
    ["1 January 2008", "£2.50", "£4.50", "£8.00", "£9.00", "£9.00"],
    ["1 January 2009", "£2.70", "£4.70", "£8.40", "£9.40", "£9.40"],
    ["1 March 2010", "£2.70", "£5.00", "£9.00", "£10.00", "£10.00"],
    ["1 March 2011", "£3.00", "£5.30", "£9.60", "£10.60", "£10.60"],
    ["1 March 2012", "£3.00", "£5.50", "£10.00", "£11.00", "£11.00"],
]

ROWS_SLEAFORD = [
    ["Departure", "Going to", "Calling at", "Arrival", "Operator"],
    ["07.00", "Boston", "Heckington, Swineshead, Hubbert's Bridge", "07.32", "GNR"],
    [
        "08.16",
        "Lincoln",
        "Ruskington, Digby, Scopwick & Timberland, Blankney & Metheringham, Nocton & Dunston, Potterhanworth, Branston & Heighington",
        "09.05",
        "GN&GE",
    ],
    [
        "08.16",
        "March",
        "Helpringham, Donington Road, Gosberton, Pinckbeck, Spalding, Cowbit, Postland, French Drove, Murrow, Guyhirne",
        "09.38",
        "GN&GE",
    ],
    ["08.17", "Grantham", "Rauceby, Ancaster, Barkston", "08.45", "GNR"],
    ["08.20", "Bourne", "Aswarby & Scredington, Billingborough & Horbling, Rippingale, Morton Road", "09.00", "GNR"],
    ["09.50", "Grantham", "Rauceby, Ancaster, Honington", "10.20", "GNR"],
    ["10.02", "Boston", "Heckington, Swineshead, Hubbert's Bridge", "10.33", "GNR"],
    ["10.05", "Bourne", "Aswarby & Scredington, Billingborough & Horbling, Rippingale, Morton Road", "10.41", "GNR"],
    [
        "10.48",
        "March",
        "Helpringham, Donington Road, Gosberton, Pinckbeck, Spalding, Cowbit, Postland, French Drove, Murrow, Guyhirne",
        "12.12",
        "GN&GE",
    ],
    [
        "11.01",
        "Skegness / Mablethorpe",
        "Boston, Firsby: Part to Skegness. Part to Willoughby, Sutton-on-Sea, Mablethorpe",
        "12.08 / 12.20",
        "GNR",
    ],
    ["11.34", "Boston", "Heckington, Swineshead, Hubbert's Bridge", "12.07", "GNR"],
    ["11.34", "Grantham", "Rauceby, Ancaster, Barkston, Honington", "12.05", "GNR"],
    [
        "11.37",
        "Doncaster",
        "Ruskington, Digby, Scopwick & Timberland, Blankney & Metheringham, Nocton & Dunston, Potterhanworth, Branston & Heighington, Lincoln, Saxilby, Stow Park, Lea, Gainsborough, Beckingham, Walkeringham, Misterton, Haxey & Epworth, Park Drain, Finningley",
        "09.05",
        "GN&GE",
    ],
    [
        "12.43",
        "Lowestoft",
        "Spalding, March, Shippea Hill, Brandon, Thetford, Attleborough, Wymondham, Norwich, Oulton Broad",
        "16.10",
        "GN&GE",
    ],
    ["13.48", "Bourne", "Aswarby & Scredington, Billingborough & Horbling, Rippingale, Morton Road", "14.24", "GNR"],
    ["13.48", "Grantham", "Rauceby, Ancaster, Honington", "14.21", "GNR"],
    [
        "13.49",
        "March",
        "Helpringham, Donington Road, Gosberton, Pinckbeck, Spalding, Cowbit, Postland, French Drove, Murrow, Guyhirne",
        "15.23",
        "GN&GE",
    ],
    ["14.00", "York", "Lincoln, Gainsborough, Doncaster, Selby", "16.33", "GN&GE"],
    ["16.19", "Boston", "Heckington, Swineshead, Hubbert's Bridge", "16.51", "GNR"],
    ["16.25", "Bourne", "Aswarby & Scredington, Billingborough & Horbling, Rippingale, Morton Road", "17.00", "GNR"],
    [
        "16.48",
        "Lincoln",
        "Ruskington, Digby, Scopwick & Timberland, Blankney & Metheringham, Nocton & Dunston, Potterhanworth, Branston & Heighington",
        "17.37",
        "GN&GE",
    ],
    [
        "17.00",
        "March",
        "Helpringham, Donington Road, Gosberton, Pinckbeck, Spalding, Cowbit, Postland, French Drove, Murrow, Guyhirne",
        "18.27",
        "GN&GE",
    ],
    ["17.55", "Nottingham Victoria", "", "18.46", "GNR"],
    ["18.51", "Grantham", "Rauceby, Ancaster, Honington, Barkston", "19.28", "GNR"],
    [
        "18.58",
        "March",
        "Helpringham, Donington Road, Gosberton, Pinckbeck, Spalding, Cowbit, Postland, French Drove, Murrow, Guyhirne",
        "20.20",
        "GN&GE",
    ],
    ["19.22", "Boston", "Heckington, Swineshead, Hubbert's Bridge", "19.55", "GNR"],
    ["19.46", "Doncaster", "Blankney & Metheringham, Lincoln, Gainsborough", "21.22", "GN&GE"],
    [
        "21.54",
        "Doncaster",
        "Ruskington, Digby, Blankney & Metheringham, Nocton & Dunston, Potterhanworth, Branston & Heighington, Lincoln, Saxilby, Gainsborough, Misterton",
        "23.45",
        "GN&GE",
    ],
    ["22.04", "Grantham", "", "22.27", "GNR"],
]

ROWS_WINNEBAGO = [
    ["Model", "Class", "Length", "Fuel", "Starting Price"],
    ["Tour", "Class A", "42'", "Diesel", "$362,285"],
    ["Journey", "Class A", "35'-43'", "Diesel", "$246,736"],
    ["Adventurer", "Class A", "32'-37'", "Gas", "$150,711"],
    ["Via", "Class A", "25'", "Diesel", "$126,476"],
    ["Sightseer", "Class A", "31'-37'", "Gas", "$126,162"],
    ["Vista", "Class A", "26'-35'", "Gas", "$107,717"],
    ["View", "Class C", "24'-25'", "Diesel", "$100,955"],
    ["Aspect", "Class C", "29'-31'", "Gas", "$95,948"],
    ["Access", "Class C", "25'-31'", "Gas", "$74,704"],
]

ROWS_MOLDOVA = [
    ["Service", "Fee"],
    ["Receiving a notice of registration", "£50"],
    ["Registering a civil partnership", "£150"],
    ["Issuing a civil partnership certificate", "£50"],
]

ROWS_TEAMS = [
    ["Feature", "Obergrenze"],
    ["Anzahl der Teams, die ein Benutzer erstellen kann", "Grenzwert von 250 Objekten"],
    ["Anzahl von Teams, in denen ein Benutzer Mitglied sein kann", "1 000"],
    ["Anzahl von Mitgliedern in einem Team", "25.000"],
    ["Anzahl von Besitzern pro Team", "100"],
    ["Anzahl organisationsweiter Teams, die in einem Mandanten zulässig sind", "5"],
    ["Anzahl der Mitglieder in einem organisationsweiten Team", "10.000"],
    ["Anzahl der Teams, die ein globaler Administrator erstellen kann", "500.000"],
    ["Anzahl von Teams, die eine Microsoft 365- oder Office 365-Organisation haben kann", "500 000"],
    ["Anzahl der Kanäle pro Team", "200 (einschließlich gelöschter Kanäle)"],
    ["Anzahl der privaten Kanäle pro Team", "30 (einschließlich gelöschter Kanäle)"],
    ["Anzahl der Mitglieder in einem privaten Kanal", "250"],
    [
        "Maximale Größe der Verteilerliste, Sicherheitsgruppe oder Microsoft 365-Gruppe, die in ein Team importiert werden kann",
        "3.500",
    ],
    [
        "Maximale Anzahl von Mitgliedern in einer Microsoft 365-Gruppe, die in ein Team umgewandelt werden kann",
        "10 000",
    ],
    ["Größe eines Beitrags in einer Kanalunterhaltung", "Ca. 28 KB pro Beitrag"],
]

ROWS_KANAL = [
    ["Feature", "Obergrenze"],
    ["Nachrichtengröße", "24 KB"],
    ["Anzahl der Dateianlagen", "20"],
    ["Größe der einzelnen Dateianlagen", "Kleiner als 10 MB"],
    ["Anzahl von Inlinebildern", "50"],
]


# --- the documents -----------------------------------------------------------------------------------------------
# (file name, format, title, section heading, introducing sentence, rows). The sources, commits and licences are in
# README.md; in short: GH = github/docs (CC BY 4.0), GOVUK = alphagov repositories (Crown copyright, OGL v3.0),
# WTQ = ppasupat/WikiTableQuestions (Wikipedia, CC BY-SA 4.0), MS = MicrosoftDocs/OfficeDocs-SkypeForBusiness.de-DE
# (CC BY 4.0).
TABLES = [
    (  # GH: content/billing/concepts/product-billing/github-actions.md
        "github-actions-included",
        "md",
        "GitHub Actions billing",
        "Free use of GitHub Actions",
        "The following amounts of time for standard runners and artifact storage are included in your GitHub plan.",
        ROWS_GITHUB,
    ),
    (  # GOVUK: gov.uk/national-curriculum (publishing-api content_schemas/examples/guide/frontend/guide.json)
        "national-curriculum-key-stages",
        "html",
        "The national curriculum",
        "Key stages",
        "The national curriculum is organised into blocks of years called \u2018key stages\u2019 (KS).",
        ROWS_KEYSTAGES,
    ),
    (  # GOVUK: gov.uk/government/speeches/school-revenue-funding-settlement-for-2017-to-2018 (publishing-api example)
        "pupil-premium-rates",
        "pdf",
        "School revenue funding settlement for 2017 to 2018",
        "Pupil premium",  # ours: the statement has no heading here
        "The pupil premium per pupil amounts for 2017-18 will be protected at the current rates, which are:",
        ROWS_PUPIL,
    ),
    (  # GOVUK: British Embassy Madrid, access and opening times (publishing-api worldwide_organisation example)
        "embassy-madrid-holidays",
        "pdf",
        "British Embassy Madrid",
        "2023 public holidays",
        "Our offices will be closed for the following public holidays in 2023:",
        ROWS_EMBASSY,
    ),
    (  # WTQ: csv/203-csv/389.csv, Wikipedia "M6 Toll", table 0
        "m6-toll-history",
        "html",
        "M6 Toll",
        "Historical toll rates",
        "Day time cash prices for various vehicle classes since opening:",
        ROWS_M6,
    ),
    (  # WTQ: csv/204-csv/754.csv, Wikipedia "Sleaford railway station", table 1
        "sleaford-departures-1922",
        "docx",
        "Sleaford railway station",
        "Sample train timetable for July 1922",
        "The table below shows the train departures from Sleaford on weekdays in July 1922.",
        ROWS_SLEAFORD,
    ),
    (  # WTQ: csv/203-csv/42.csv, Wikipedia "Winnebago Industries", table 0
        "winnebago-models",
        "pdf",
        "Winnebago Industries",
        "Current Model Range",
        "The motor homes in the current range and their starting prices.",  # ours: the page has no sentence here
        ROWS_WINNEBAGO,
    ),
    (  # GOVUK: alphagov/smart-answers, marriage_abroad_flow outcome for Moldova (civil partnership, partner_other)
        "consular-fees-moldova",
        "md",
        "Civil partnership in Moldova",
        "Fees",
        "You may be able to register a civil partnership at the British embassy or consulate in Moldova.",
        ROWS_MOLDOVA,
    ),
    (  # MS: Teams/limits-specifications-teams.md, "Teams und Kan\u00e4le"
        "teams-grenzwerte",
        "docx",
        "Grenzwerte und Spezifikationen f\u00fcr Microsoft Teams",
        "Teams und Kan\u00e4le",
        "In diesem Artikel werden einige der Grenzwerte, Spezifikationen und anderen Anforderungen f\u00fcr Teams "
        "beschrieben.",
        ROWS_TEAMS,
    ),
    (  # MS: Teams/limits-specifications-teams.md, "Senden von E-Mails an einen Kanal"
        "teams-kanal-email",
        "md",
        "Grenzwerte und Spezifikationen f\u00fcr Microsoft Teams",
        "Senden von E-Mails an einen Kanal",
        "Hier sind einige geltende Grenzwerte zum Senden von E-Mails an einen Kanal aufgef\u00fchrt.",
        ROWS_KANAL,
    ),
]


def rendered_rows(name: str, tables=None):
    """The table of a file (name with its suffix) as its rendering has it: the PDFs' text in the Latin-1 font.
    `tables`: another pack's TABLES (eval/tables-blind3/build.py), rows (name, format, title, section, intro, rows)
    with the page's language after them or not."""
    for n, fmt, _, _, _, rows, *_ in tables or TABLES:
        if f"{n}.{fmt}" == name:
            return [[tables_build._latin(c) for c in r] for r in rows] if fmt == "pdf" else rows
    raise KeyError(name)


def main(tables=None, out: Path | None = None) -> None:
    """Writes each table's document into `out` (this folder's corpus/); an HTML page in another language than
    English gets that lang (the shared renderer writes lang="en")."""
    out = out or HERE / "corpus"
    out.mkdir(exist_ok=True)
    for name, fmt, title, section, intro, rows, *lang in tables or TABLES:
        assert all(len(r) == len(rows[0]) for r in rows), name
        getattr(tables_build, f"write_{fmt}")(out / name, title, section, intro, rows)
        if fmt == "html" and lang and lang[0] != "en":
            path = out / f"{name}.html"
            path.write_text(
                path.read_text(encoding="utf-8").replace('<html lang="en">', f'<html lang="{lang[0]}">', 1),
                encoding="utf-8",
            )
        print(f"{name}.{fmt}: {len(rows) - 1} rows, {len(rows[0])} columns")


if __name__ == "__main__":
    main()
