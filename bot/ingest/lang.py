"""Languages: which one a text is in, and its stop words, stemmer, question words and abbreviations.

The keyword side (BM25, the reader's word overlap, the citation check) stems and drops stop words in the
language of each document, detected per document (an HTML page's own `lang` attribute wins). The stop word
lists follow Snowball's (the stemmers are Snowball's, from PyStemmer). Detection counts stop words and a few
letters only one language uses: reliable on a paragraph, a guess on a short question, so a question is only
ever assigned one of the languages the index holds.
"""

from __future__ import annotations

import functools
import re

EN_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "o",
        "re",
        "ve",
        "y",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "just",
    ]
)

SNOWBALL = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese",
            "nl": "dutch"}  # fmt: skip
LANGS = tuple(SNOWBALL)
DEFAULT = "en"


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": EN_STOPWORDS,
    "de": _words(
        "aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern "
        "anders auch auf aus bei bin bis bist da damit dann das dass daß dasselbe dazu dein deine deinem deinen "
        "deiner deines dem demselben den denn denselben der derer derselbe derselben des desselben dessen dich die "
        "dies diese dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen "
        "einer eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure eurem euren "
        "eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre "
        "ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes "
        "jetzt kann kannst können könnte man manche manchem manchen mancher manches mein meine meinem meinen "
        "meiner meines mich mir mit muss musste müssen nach nicht nichts noch nun nur ob oder ohne sehr sein seine "
        "seinem seinen seiner seines selbst sich sie sind so solche solchem solchen solcher solches soll sollte "
        "sollen sondern sonst über um und uns unsere unserem unseren unser unseres unter viel vom von vor während "
        "war waren warst was weg weil weiter welche welchem welchen welcher welches wenn werde werden wie wieder "
        "will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen wer wann warum wieso weshalb "
        "gibt kein keine keinem keinen keiner keines darf dürfen sollen bitte ja nein mehr schon neben seit"
    ),
    "fr": _words(
        "au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même mes moi mon "
        "ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre "
        "vous c d j l à m n s t y été étée étées étés étant suis es est sommes êtes sont serai seras sera serons "
        "serez seront serais serait serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes "
        "furent sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant eu eue eues eus ai as "
        "avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait "
        "avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût eussions "
        "eussiez eussent ceci cela celà cet cette ici ils les leurs quel quels quelle quelles sans soi quand "
        "comment pourquoi où combien peut peuvent dois doit faut est-ce qu'est-ce si plus très aussi tout tous "
        "toute toutes sous chez vers contre depuis pendant selon parmi"
    ),
    "es": _words(
        "de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí "
        "porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno "
        "les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa "
        "estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus "
        "ellas nosotras vosotros vosotras os mío mía míos mías tuyo tuya tuyos tuyas suyo suya suyos suyas nuestro "
        "nuestra nuestros nuestras vuestro vuestra vuestros vuestras esos esas estoy estás está estamos estáis "
        "están esté estés estemos estéis estén estaré estará estaba estaban estuvo he has ha hemos habéis han haya "
        "había habían hubo soy eres es somos sois son sea sean seré será era eran fue fueron tengo tienes tiene "
        "tenemos tienen tenga tenía tuvo cómo cuándo dónde quién quiénes cuál cuáles cuánto cuánta cuántos cuántas "
        "puedo puede pueden debo debe deben hace bajo hacia según tras"
    ),
    "it": _words(
        "ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla dalle di del dello "
        "dei degli dell degl della delle in nel nello nei negli nell negl nella nelle su sul sullo sui sugli sull "
        "sugl sulla sulle per tra contro io tu lui lei noi voi loro mio mia miei mie tuo tua tuoi tue suo sua suoi "
        "sue nostro nostra nostri nostre vostro vostra vostri vostre mi ti ci vi lo la li le gli ne il un uno una "
        "ma ed se perché anche come dov dove che chi cui non più quale quanto quanti quanta quante quello quelli "
        "quella quelle questo questi questa queste si tutto tutti a c e i l o ho hai ha abbiamo avete hanno è sono "
        "sei siamo siete era erano fu stato essere avere può possono deve devono quando cosa"
    ),
    "pt": _words(
        "de a o que e do da em um para com não uma os no se na por mais as dos como mas ao ele das à seu sua ou "
        "quando muito nos já eu também só pelo pela até isso ela entre depois sem mesmo aos seus quem nas me esse "
        "eles você essa num nem suas meu às minha numa pelos elas qual nós lhe deles essas esses pelas este dele "
        "tu te vocês vos lhes meus minhas teu tua teus tuas nosso nossa nossos nossas dela delas esta estes estas "
        "aquele aquela aqueles aquelas isto aquilo estou está estamos estão estive esteve estava estavam hei há "
        "havemos hão houve sou é somos são era eram fui foi fomos foram seja sejam tenho tem temos têm tinha teve "
        "ser ter pode podem deve devem onde porque por quê quanto quantos quantas como"
    ),
    "nl": _words(
        "de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan zou of "
        "wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft hebben deze "
        "u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet ben zonder kan "
        "hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon "
        "niets uw iemand geweest andere waar waarom wanneer welke mag moeten"
    ),
}

# Letters that only one of the languages above writes (a strong hint on short texts).
_LETTERS = {"de": "äöüß", "es": "ñ¿¡", "fr": "œçèêëîïûùÿ", "pt": "ãõ", "it": "ìò"}

# Abbreviations after which a full stop does not end a sentence (lower case, without the final dot).
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "de": _words(
        "z.b bzw usw ca vgl ggf evtl inkl nr s abs bspw d.h u.a o.ä u.ä z.t sog dr prof str tel stellv abt mind zzgl "
        "exkl tägl mtl jährl hrsg"
    ),
    "fr": _words("m mm mme mmes mlle p.ex ex cf env etc no tél av bd dr pr"),
    "es": _words("sr sra srta dr dra ud uds p.ej ej etc núm n.º pág tel av aprox"),
    "it": _words("sig sig.ra dott prof ecc es pag tel n"),
    "pt": _words("sr sra dr dra ex etc pág tel n.º av"),
    "nl": _words("bijv bv o.a enz dhr mevr dr prof nr blz d.w.z"),
}


def stopwords(lang: str) -> frozenset[str]:
    return STOPWORDS.get(lang, EN_STOPWORDS)


@functools.cache
def _stemmer(lang: str):
    import Stemmer

    return Stemmer.Stemmer(SNOWBALL.get(lang, "english"))


@functools.lru_cache(maxsize=200_000)
def stem(word: str, lang: str = DEFAULT) -> str:
    if lang == DEFAULT:
        word = word.removesuffix("'s")
    return _stemmer(lang).stemWord(word)


_WORD = re.compile(r"\w+(?:[’']\w+)*", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def scores(text: str, candidates=LANGS) -> dict[str, float]:
    """How strongly a text looks like each candidate language: stop words per word, plus letter hints."""
    toks = _tokens(text[:20_000])
    if not toks:
        return {lang: 0.0 for lang in candidates}
    low = text.lower()
    out = {}
    for lang in candidates:
        sw = STOPWORDS.get(lang, frozenset())
        hits = sum(1 for t in toks if t in sw)
        letters = sum(low.count(c) for c in _LETTERS.get(lang, ""))
        out[lang] = hits / len(toks) + min(letters, 5) * 0.04
    return out


def detect(text: str, candidates=LANGS, default: str = DEFAULT) -> str:
    """The most likely language of the text among the candidates (the default when nothing tells)."""
    cands = [c for c in candidates if c in SNOWBALL] or [default]
    if len(cands) == 1:
        return cands[0]
    sc = scores(text, cands)
    best = max(cands, key=lambda c: (sc[c], c == default))
    return best if sc[best] > 0 else (default if default in cands else cands[0])


def normalize(tag: str | None) -> str | None:
    """An HTML lang attribute ("de-CH", "en_US") as one of ours, or None."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower())[0]
    return primary if primary in SNOWBALL else None


_EN_WH = frozenset("how what why when where who whom whose which".split())
_EN_AUX = frozenset(
    "do does did can could is are was were will would should shall may might must has have had am".split()
)
_EN_SUBJECT = frozenset("i you we they he she it my your our their the a an this that these those there".split())


def is_question(text: str, lang: str = DEFAULT) -> bool:
    """A heading or a line phrased as a question: it ends with a question mark (or opens with "¿"), or, in
    English, it is worded as one without the mark: "How do I reset my password", "Can I travel" (a question
    word then a verb, or a verb then its subject; "How Panels Work" is a topic, not a question)."""
    s = text.strip().strip("*_ ").strip()
    if not s or len(s) > 300:
        return False
    if s.endswith(("?", "？")) or s.startswith("¿"):
        return True
    toks = _tokens(s)
    if lang != "en" or len(toks) < 3 or len(toks) > 20 or s.endswith((".", ":", ";", "!")):
        return False
    a, b = toks[0], toks[1]
    return (a in _EN_WH and b in _EN_AUX) or (a in _EN_AUX and b in _EN_SUBJECT)


__all__ = ["LANGS", "detect", "is_question", "normalize", "scores", "stem", "stopwords"]
