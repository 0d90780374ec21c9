"""Builds the pack's PDF and Word files (fpdf2, python-docx). Every cell is copied verbatim from its source
(see README.md); titles, headings and introducing sentences are the sources' own unless README says otherwise.
Run from anywhere: /tmp/venv-lock/bin/python eval/tables-blind5/make_docs.py"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from table_docs import docx_table, pdf_table  # noqa: E402  (eval/table_docs.py, shared by packs 5-7)

OUT = Path(__file__).resolve().parent / "corpus"


# alphagov/calendars lib/data/bank-holidays.json, divisions.scotland["2021"]; titles and notes resolved through
# config/locales/en.yml (bank_holidays.*, common.substitute_day).
scotland_2021 = [
    ("New Year’s Day", "01/01/2021", ""),
    ("2nd January", "04/01/2021", "Substitute day"),
    ("Good Friday", "02/04/2021", ""),
    ("Early May bank holiday", "03/05/2021", ""),
    ("Spring bank holiday", "31/05/2021", ""),
    ("Summer bank holiday", "02/08/2021", ""),
    ("St Andrew’s Day", "30/11/2021", ""),
    ("Christmas Day", "27/12/2021", "Substitute day"),
    ("Boxing Day", "28/12/2021", "Substitute day"),
]
pdf_table(
    OUT / "scotland-bank-holidays-2021.pdf",
    "UK bank holidays",
    "Scotland: 2021",
    "The bank holidays in Scotland in 2021, with the date of each and whether it is a substitute day.",
    ("Bank holiday", "Date", "Notes"),
    scotland_2021,
    (70, 40, 50),
)

# angular/angular adev/src/content/reference/versions.md, section "Unsupported Angular versions" (the Markdown
# escapes "\|\|" read as "||").
angular_unsupported = [
    ("19.2.x", "^18.19.1 || ^20.11.1 || ^22.0.0", ">=5.5.0 <5.9.0", "^6.5.3 || ^7.4.0"),
    ("19.1.x", "^18.19.1 || ^20.11.1 || ^22.0.0", ">=5.5.0 <5.8.0", "^6.5.3 || ^7.4.0"),
    ("19.0.x", "^18.19.1 || ^20.11.1 || ^22.0.0", ">=5.5.0 <5.7.0", "^6.5.3 || ^7.4.0"),
    ("18.1.x || 18.2.x", "^18.19.1 || ^20.11.1 || ^22.0.0", ">=5.4.0 <5.6.0", "^6.5.3 || ^7.4.0"),
    ("18.0.x", "^18.19.1 || ^20.11.1 || ^22.0.0", ">=5.4.0 <5.5.0", "^6.5.3 || ^7.4.0"),
    ("17.3.x", "^18.13.0 || ^20.9.0", ">=5.2.0 <5.5.0", "^6.5.3 || ^7.4.0"),
    ("17.1.x || 17.2.x", "^18.13.0 || ^20.9.0", ">=5.2.0 <5.4.0", "^6.5.3 || ^7.4.0"),
    ("17.0.x", "^18.13.0 || ^20.9.0", ">=5.2.0 <5.3.0", "^6.5.3 || ^7.4.0"),
    ("16.1.x || 16.2.x", "^16.14.0 || ^18.10.0", ">=4.9.3 <5.2.0", "^6.5.3 || ^7.4.0"),
    ("16.0.x", "^16.14.0 || ^18.10.0", ">=4.9.3 <5.1.0", "^6.5.3 || ^7.4.0"),
    ("15.1.x || 15.2.x", "^14.20.0 || ^16.13.0 || ^18.10.0", ">=4.8.2 <5.0.0", "^6.5.3 || ^7.4.0"),
    ("15.0.x", "^14.20.0 || ^16.13.0 || ^18.10.0", "~4.8.2", "^6.5.3 || ^7.4.0"),
    ("14.2.x || 14.3.x", "^14.15.0 || ^16.10.0", ">=4.6.2 <4.9.0", "^6.5.3 || ^7.4.0"),
    ("14.0.x || 14.1.x", "^14.15.0 || ^16.10.0", ">=4.6.2 <4.8.0", "^6.5.3 || ^7.4.0"),
    ("13.3.x || 13.4.x", "^12.20.0 || ^14.15.0 || ^16.10.0", ">=4.4.3 <4.7.0", "^6.5.3 || ^7.4.0"),
    ("13.1.x || 13.2.x", "^12.20.0 || ^14.15.0 || ^16.10.0", ">=4.4.3 <4.6.0", "^6.5.3 || ^7.4.0"),
    ("13.0.x", "^12.20.0 || ^14.15.0 || ^16.10.0", "~4.4.3", "^6.5.3 || ^7.4.0"),
    ("12.2.x", "^12.14.0 || ^14.15.0", ">=4.2.3 <4.4.0", "^6.5.3 || ^7.0.0"),
    ("12.1.x", "^12.14.0 || ^14.15.0", ">=4.2.3 <4.4.0", "^6.5.3"),
    ("12.0.x", "^12.14.0 || ^14.15.0", "~4.2.3", "^6.5.3"),
    ("11.2.x", "^10.13.0 || ^12.11.0", ">=4.0.0 <4.2.0", "^6.5.3"),
    ("11.1.x", "^10.13.0 || ^12.11.0", ">=4.0.0 <4.2.0", "^6.5.3"),
    ("11.0.x", "^10.13.0 || ^12.11.0", "~4.0.0", "^6.5.3"),
    ("10.2.x", "^10.13.0 || ^12.11.0", ">=3.9.0 <4.1.0", "^6.5.3"),
    ("10.1.x", "^10.13.0 || ^12.11.0", ">=3.9.0 <4.1.0", "^6.5.3"),
    ("10.0.x", "^10.13.0 || ^12.11.0", "~3.9.0", "^6.5.3"),
    ("9.1.x", "^10.13.0 || ^12.11.0", ">=3.6.0 <3.9.0", "^6.5.3"),
    ("9.0.x", "^10.13.0 || ^12.11.0", ">=3.6.0 <3.8.0", "^6.5.3"),
]
docx_table(
    OUT / "angular-version-compatibility.docx",
    "Version compatibility",
    "Unsupported Angular versions",
    "This table covers Angular versions that are no longer under long-term support (LTS).",
    ("Angular", "Node.js", "TypeScript", "RxJS"),
    angular_unsupported,
)

# alphagov/calendars lib/data/when-do-the-clocks-change.json, divisions["united-kingdom"], 2017 to 2021.
clocks = [
    ("26/03/2017", "Start of British Summer Time", "Clocks go forward one hour"),
    ("29/10/2017", "End of British Summer Time", "Clocks go back one hour"),
    ("25/03/2018", "Start of British Summer Time", "Clocks go forward one hour"),
    ("28/10/2018", "End of British Summer Time", "Clocks go back one hour"),
    ("31/03/2019", "Start of British Summer Time", "Clocks go forward one hour"),
    ("27/10/2019", "End of British Summer Time", "Clocks go back one hour"),
    ("29/03/2020", "Start of British Summer Time", "Clocks go forward one hour"),
    ("25/10/2020", "End of British Summer Time", "Clocks go back one hour"),
    ("28/03/2021", "Start of British Summer Time", "Clocks go forward one hour"),
    ("31/10/2021", "End of British Summer Time", "Clocks go back one hour"),
]
pdf_table(
    OUT / "uk-clocks-change.pdf",
    "When do the clocks change?",
    "United Kingdom",
    "Dates when the clocks go back or forward in 2017, 2018, 2019, 2020, 2021 - includes British Summer Time, "
    "Greenwich Mean Time",
    ("Date", "Title", "Notes"),
    clocks,
    (35, 75, 70),
)

# mdn/translated-content files/fr/web/media/guides/formats/image_types/index.md, second table (markup reduced to
# its text).
avoid = [
    ("BMP", "Bitmap", "image/bmp", ".bmp", "Chrome, Edge, Firefox, Internet Explorer, Opera, Safari"),
    ("ICO", "Microsoft Icon", "image/x-icon", ".ico, .cur", "Chrome, Edge, Firefox, Internet Explorer, Opera, Safari"),
    ("TIFF", "Tagged Image File Format", "image/tiff", ".tif, .tiff", "Aucune prise en charge native, addons nécessaires"),
]
docx_table(
    OUT / "formats-images-a-eviter-fr.docx",
    "Guide des types et formats de fichiers d'images",
    "Types de fichiers d'images communs",
    "Le tableau qui suit indique les formats d'image qui peuvent également être utilisés sur le Web mais qui "
    "devraient être évités en raison de leur compatibilité faible ou de l'existence de meilleurs formats.",
    ("Abréviation", "Format de fichier", "Type MIME", "Extension(s)", "Prise en charge navigateur"),
    avoid,
)
