"""Builds the pack's PDF and Word files (fpdf2, python-docx). Every cell is copied verbatim from its source
(see README.md); titles, headings and introducing sentences are the sources' own unless README says otherwise.
Run from anywhere: /tmp/venv-lock/bin/python eval/tables-blind7/make_docs.py"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from table_docs import docx_table, pdf_table  # noqa: E402  (eval/table_docs.py, shared by packs 5-7)

OUT = Path(__file__).resolve().parent / "corpus"


# huggingface/hub-docs docs/hub/jobs-pricing.md, section "Pricing", table "CPU" (bold markup of the header dropped).
pdf_table(
    OUT / "hf-jobs-cpu-pricing.pdf",
    "Pricing and Billing",
    "CPU",
    "Jobs are billed per minute based on the hardware used.",
    ("Hardware", "CPU", "Memory", "Ephemeral Storage", "Hourly Price"),
    [
        ("CPU Basic", "2 vCPU", "16 GB", "50 GB", "$0.01"),
        ("CPU Upgrade", "8 vCPU", "32 GB", "50 GB", "$0.03"),
        ("CPU XL", "16 vCPU", "124 GB", "1000 GB", "$1.00"),
        ("CPU Performance", "32 vCPU", "256 GB", "1024 GB", "$1.90"),
    ],
    (45, 30, 30, 50, 35),
)

# cloud-gov/cg-site _data/support-packages.yml: package_name, price, hours (markup reduced to its text: "<br>"
# dropped from the names, "<h3>" around the prices). Column names, title, heading and intro are ours.
pdf_table(
    OUT / "cloud-gov-support-packages.pdf",
    "cloud.gov support packages",
    "Support packages",
    "Each cloud.gov support package, its price and the support time it includes.",
    ("Package", "Price", "Hours"),
    [
        ("Platform Support", "$0.00/year", "Limited to platform issues"),
        ("Basic Support", "$2,500/year", "10 hours per year"),
        ("Premium Support", "$12,500/year", "50 hours per year"),
        ("Supplemental Support", "$250/hour", "Based on how many hours you choose"),
    ],
    (55, 40, 95),
)

CIE_TITLE = "Codici di errore"
CIE_INTRO = ("Di seguito si riportano le tabelle con i codici di errore, alcuni dettagli relativi al troubleshooting "
             "e le relative azioni che il Service Provider deve effettuare.")

# italia/cie-manuale-tecnico-docs media/codici-errori-anomalie-utente.csv (csv-table "Anomalie utente").
docx_table(
    OUT / "cie-codici-errore-anomalie-utente.docx",
    CIE_TITLE,
    "Anomalie utente",
    CIE_INTRO,
    ("Error code", "21", "22", "23", "25"),
    [
        ("Scenario di riferimento", "Timeout durante l’autenticazione utente",
         "Utente nega il consenso all’invio di dati al SP in caso di sessione vigente",
         "Utente con CIE scaduta/revocata", "Processo di autenticazione annullato dall’utente"),
        ("Binding", "HTTP POST / HTTP Redirect", "HTTP POST / HTTP Redirect", "HTTP POST / HTTP Redirect",
         "HTTP POST / HTTP Redirect"),
        ("HTTP status code", "n.a.", "n.a.", "n.a.", "n.a."),
        ("SAML Status code/Sub Status/StatusMessage",
         "urn:oasis:names:tc:SAML:2.0:status:Responder urn:oasis:names:tc:SAML:2.0:status:AuthnFailed ErrorCode nr21",
         "urn:oasis:names:tc:SAML:2.0:status:Responder urn:oasis:names:tc:SAML:2.0:status:AuthnFailed ErrorCode nr22",
         "urn:oasis:names:tc:SAML:2.0:status:Responder urn:oasis:names:tc:SAML:2.0:status:AuthnFailed ErrorCode nr23",
         "urn:oasis:names:tc:SAML:2.0:status:Responder urn:oasis:names:tc:SAML:2.0:status:AuthnFailed ErrorCode nr25"),
        ("Destinatario notifica", "Fornitore del servizio (SP)", "Utente e Fornitore del servizio (SP)",
         "Utente e Fornitore del servizio (SP)", "Utente e Fornitore del servizio (SP)"),
        ("Schermata IdP (CIE ID SERVER)", "", "",
         "Viene notificato all’utente una finestra - nel system tray di Windows - che avverte che la CIE potrebbe "
         "essere scaduta o revocata", ""),
        ("Troubleshooting utente",
         "L’operazione di autenticazione deve essere completata entro un determinato periodo di tempo",
         "Necessario il consenso per la fruizione del servizio",
         "Verificare che la CIE non sia scaduta. Verificare che non sia stata revocata. Eventualmente contattare "
         "l'assistenza CIE a cie.cittadini@interno.it", ""),
        ("Troubleshooting SP",
         "Fornire una pagina di cortesia che ricorda al cittadino di completare la richiesta di autenticazione "
         "entro un determinato periodo di tempo",
         "Fornire una pagina di cortesia notificando all'utente che il diniego al consenso ha determinato il "
         "mancato accesso al servizio richiesto",
         "Notificare all'utente le ragioni che hanno determinato il mancato accesso al servizio richiesto",
         "Fornire una pagina di cortesia notificando all'utente le ragioni che hanno determinato il mancato "
         "accesso al servizio richiesto"),
        ("Note", "", "", "", ""),
    ],
)

# italia/cie-manuale-tecnico-docs media/codici-errori-anomalie-sistema.csv (csv-table "Anomalie di sistema";
# the trailing space of the two "Troubleshooting utente" cells trimmed).
docx_table(
    OUT / "cie-codici-errore-anomalie-sistema.docx",
    CIE_TITLE,
    "Anomalie di sistema",
    CIE_INTRO,
    ("Error code", "2", "3"),
    [
        ("Scenario di riferimento", "Indisponibilità sistema", "Errore di sistema"),
        ("Binding", "HTTP POST", "HTTP Redirect"),
        ("HTTP status code", "", "500"),
        ("SAML Status code/Sub Status/StatusMessage", "n.a.", "n.a."),
        ("Destinatario notifica", "Utente", "Utente"),
        ("Schermata IdP (CIE ID SERVER)", "Messaggio di errore generico",
         "Pagina di cortesia con messaggio “Sistema di autenticazione non disponibile -Riprovare più tardi”"),
        ("Troubleshooting utente", "Ripetere l’accesso al servizio in un secondo momento",
         "Ripetere l’accesso al servizio in un secondo momento"),
        ("Troubleshooting SP", "", ""),
        ("Note", "", ""),
    ],
)

# nhsuk/nhsuk-service-manual app/views/cookie-policy.njk, the table under "Cookies that measure website use"
# (the <wbr> break hints of one cookie name dropped).
docx_table(
    OUT / "nhs-service-manual-analytics-cookies.docx",
    "Cookie policy",
    "Cookies that measure website use",
    "We also like to use analytics cookies.",
    ("Cookie name", "Purpose", "Expiry"),
    [
        ("AMCV_#", "Used by Adobe Analytics. Tells us if you've used our site before.", "2 years"),
        ("AMCVS_#AdobeOrg", "Used by Adobe Analytics. Tells us how you use our site.", "When you close the browser"),
        ("com.adobe.reactor.dataElementCookiesMigrated",
         "Used by Adobe Analytics. Includes data elements set to capture usage of our website.", "No expiry"),
        ("demdex", "Used by Adobe Analytics. Allows cross-domain analytics of NHS properties.", "180 days"),
        ("s_cc", "Used by Adobe Analytics. Checks if cookies work in your web browser.", "When you close the browser"),
        ("s_getNewRepeat", "Used by Adobe Analytics. Tells us if you've used our website before.", "30 days"),
        ("s_ppn", "Used by Adobe Analytics. Tells us how you use our website by reading the previous page you visited.",
         "1 day"),
        ("s_sq", "Used by Adobe Analytics. Remembers the last link you clicked on.", "When you close the browser"),
    ],
)
