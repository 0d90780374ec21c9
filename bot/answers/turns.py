"""What a message is, in a conversation: small talk, a request for a person, a reply to the bot, a follow-up, or a
question of its own.

- **small talk** (a greeting, thanks, goodbye): the message is nothing but such words (in English, German,
  French or Spanish), with at most a filler ("hi there", "thanks a lot!", "danke schön", "merci beaucoup").
  "Hello, how do I renew my licence?" is a question.
- **a person**: "can I talk to a human?", "Ich möchte mit einem Mitarbeiter sprechen", "parler à un conseiller",
  "hablar con una persona".
- **a reply**: after the bot has answered, a message that opens with yes / no (ja, nein, oui, non, sí) or says
  "none of those", and asks nothing.
- **a follow-up**: it leans on what came before: a pronoun or "this/that/there", "what about…", an opening
  "and…" ("und…", "et…", "y…") before a fragment ("And for adults?"; not "Und kann ich die Leihfrist
  verlängern?", a question of its own), or no content word of its own ("Why?").
- **a question of its own** otherwise: it is searched and answered alone, whatever was asked before ("What's the
  weather tomorrow?" after two questions about the virus is not about the virus). So is a message that opens with a
  greeting and goes on to say what it is about ("Hello, I have some questions about my student loan plan. Perhaps
  you can help me with that."): a greeting opens a conversation, and its "that" points at its own words. (On
  doc2dial's tune dialogues, a first turn asked after another page's conversation: its page cited 0.690 -> 0.738,
  as when asked first 0.762; no follow-up or reply changed. A length rule, seven content words or more, did the
  same there; the greeting is the dialogue act, and was kept alone.)

Only the words of the message decide, so a follow-up is never guessed from a topic the pages happen to share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answers.followup import last_user_turn, referent
from bot.ingest.text import content_stems

SMALLTALK, PERSON, REPLY, FOLLOWUP, QUESTION = "smalltalk", "person", "reply", "followup", "question"

_GREETING = (
    r"hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|"
    r"hallo|hey du|guten (?:morgen|tag|abend)|servus|moin(?: moin)?|grüß gott|gruss gott|grüezi|"
    r"bonjour|bonsoir|salut|coucou|hola|buenos días|buenos dias|"
    r"buenas(?: tardes| noches)?"
)
_THANKS = (
    r"thanks|thank you|thank u|thx|ty|cheers|much appreciated|danke|dankeschön|vielen dank|merci|gracias|"
    r"muchas gracias|mil gracias"
)
_BYE = (
    r"bye|goodbye|good bye|bye bye|see you|see ya|ciao|tschüss|tschüs|auf wiedersehen|bis bald|bis dann|au revoir|"
    r"à bientôt|a bientot|adiós|adios|hasta luego|hasta pronto|chao|"
    # the wishes that close a conversation ("merci, bonne journée", "vale, gracias, que tenga buen día": a browser
    # probe got the French FAQ's "C'est bon à entendre !" and a cited answer for them)
    r"have a (?:nice|good|great|lovely) (?:day|one|evening|weekend|week)|take care|"
    r"(?:einen |noch einen )?schönen (?:tag|abend|sonntag|feierabend)(?: noch)?|"
    r"bonne (?:journée|journee|soirée|soiree|fin de journée|fin de journee|continuation)|"
    r"bon (?:week-end|weekend|après-midi|apres-midi)|"
    r"(?:que )?(?:tenga|tengas|tengan) (?:un )?(?:buen|lindo|feliz) (?:día|dia|fin de semana)|saludos|un saludo"
)
# words that may stand beside a greeting, thanks or goodbye without making it a question
_FILLER = (
    r"there|all|everyone|everybody|bot|again|so|very|much|a lot|lots|many|for (?:the|your) help|for helping|"
    r"ok|okay|great|perfect|awesome|nice|cool|super|wonderful|that helps|that's all|thats all|that is all|for now|"
    r"schön|sehr|für (?:die|deine|ihre) hilfe|alles klar|gut|prima|toll|"
    r"beaucoup|pour (?:l'|votre |ton )?aide|bien|parfait|muy|por (?:la|tu|su) ayuda|vale|genial|perfecto|"
    r"and|und|et|y|you|du|vous|tú|tu|usted|friend|mate|folks|team|sir|madam|you too|(?:ihnen|dir) auch|vous aussi|"
    r"toi aussi|igualmente"
)
# "ok", "got it": the visitor heard the answer, and asks nothing
_ACK = (
    r"ok|okay|alright|all right|i see|got it|understood|noted|fine|good|great|perfect|cool|nice|sure thing|"
    r"alles klar|verstehe|verstanden|gut|in ordnung|passt|d'accord|entendu|compris|c'est bon|c’est bon|c'est noté|"
    r"ça marche|ca marche|très bien|tres bien|vale|entendido|de acuerdo|ya veo|muy bien|está bien|esta bien|bueno"
)
_SMALL = re.compile(rf"\b(?:{_GREETING}|{_THANKS}|{_BYE}|{_FILLER}|{_ACK})\b", re.IGNORECASE)  # whole words
# sounds that open or pad a message and say nothing of its subject ("Ah, so you offer career counseling as well?")
_INTERJECTION = r"ah+|oh+|a+ha|hm+|u+m+|u+h+|er+m?|wow|well|alright|ach|äh+m?|eh|ay|oops|ugh|hmpf|huh"
_CHATTER = re.compile(rf"(?:{_GREETING}|{_THANKS}|{_BYE}|{_FILLER}|{_INTERJECTION})", re.IGNORECASE)
# a message of this many content words is read as it stands: it tells its own situation (a browser probe: a
# 600-character message about military families' aid, with "that counts against me" in it, was read on the page of
# the loan question before it). On doc2dial's tune dialogues the longest follow-up that needs its conversation has
# 12; none of the measures moves at 15.
OWN_WORDS = 15
# a statement of at most this many content words right after the bot (or an agent) asked the visitor something is
# its answer ("I guess I am.", "lost"). doc2dial tune (`python -m bot eval ../shared/bench/doc2dial`, 2026-12-07):
# follow-ups' agent passage 0.552 -> 0.567, page 0.838 -> 0.868, declined 0.103 -> 0.074; 2, 3 and 4 the same;
# with no limit a COVID-19 turn after a conversation ("tell me how to better clean and disinfect my home") is read
# as a reply and answered (declined 8 -> 7 of 9)
REPLY_WORDS = 3
# a greeting that opens a longer message ("Hello, i'm trying to find proof of my ID…")
_GREETS_FIRST = re.compile(
    rf"^\W*(?:{_GREETING})(?:\s+(?:there|all|everyone|again))?\s*[,.!;:\-]+\s*(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_KIND = [
    ("greeting", re.compile(rf"\b(?:{_GREETING})\b", re.IGNORECASE)),
    # (a goodbye with thanks is a goodbye: "gracias, adiós" got "De nada. Pregunte lo que quiera…", a browser probe)
    ("bye", re.compile(rf"\b(?:{_BYE})\b", re.IGNORECASE)),
    ("thanks", re.compile(rf"\b(?:{_THANKS})\b", re.IGNORECASE)),
    ("ack", re.compile(rf"\b(?:{_ACK})\b", re.IGNORECASE)),
]

# a request for a person, in the forms people ask it: "can I talk to a human", "I want to speak to someone",
# "connect me with an agent", "agent please", "is there someone I can call"; not a question that mentions people
# ("How do I talk to my children…", "close contact with someone who has COVID-19")
_WHO = (
    r"(?:a |an |the |some |your |one of your )?(?:human(?: being)?|real person|live (?:agent|person|chat)|person|"
    r"someone|somebody|agent|representative|rep|operator|member of staff|staff member|advisor|adviser|"
    r"customer service|support(?: team| agent)?|sales(?: team| department| rep)?|journalist|reporter|editor|newsroom|"
    r"(?:someone|somebody) (?:from|in) "
    r"(?:sales|support|customer service|billing))"
)
_PERSON = re.compile(
    "|".join(
        [
            rf"\b(?:can|could|may|might)\s+i\s+(?:(?:please|just|maybe|actually|now)\s+)*(?:talk|speak|chat)\s+"
            rf"(?:to|with)\s+{_WHO}\b",
            rf"\b(?:i\s+(?:want|need|would like|'d like|wish)|i['’]d like|let me|i have)\s+to\s+(?:talk|speak|chat)"
            rf"\s+(?:to|with)\s+{_WHO}\b",
            rf"\b(?:connect|transfer|put)\s+me\s+(?:through\s+)?(?:to|with)\s+{_WHO}\b",
            # "I want a real person please, this bot isn't helping": the person itself wanted, and nothing after it
            r"\bi\s+(?:want|need|would like|'d like)\s+(?:a |an |to have a )?(?:real person|real human|human|"
            r"human being|live agent|live person|person|agent|operator)\b(?=\s*(?:please\b|now\b|[,.!;:]|$))",
            rf"^\W*(?:{_WHO})(?:\s+please)?\W*$",
            # "talk to a human", "speak to an agent please", "is there a real person?" (a message of its own)
            rf"^\W*(?:please\s+)?(?:let\s+me\s+)?(?:talk|speak|chat)\s+(?:to|with)\s+{_WHO}(?:\s+(?:please|now))?\W*$",
            r"^\W*(?:is|are)\s+there\s+(?:a |an |any )?"
            r"(?:real person|real human|human(?: being)?|live (?:agent|person))(?:\s+(?:here|there))?\W*$",
            # "Mensch sprechen", "echter Mensch bitte", "Ich möchte einen Mitarbeiter sprechen", "un conseiller svp",
            # "un agente por favor": the person alone, or with the verb, and nothing else
            r"^\W*(?:(?:ich\s+(?:möchte|will|würde\s+gern|hätte\s+gern)\s+)?(?:einen?\s+|eine\s+)?(?:echten?\s+|echter\s+)?"
            r"(?:mensch(?:en)?|mitarbeiter(?:in)?|berater(?:in)?|kundenberater(?:in)?)(?:\s+(?:sprechen|bitte))*)\W*$",
            r"^\W*(?:un|une)?\s*(?:vrai\s+)?(?:humain|conseill\w+|opérateur|operateur)"
            r"(?:\s+(?:svp|stp|s'il vous plaît|s’il vous plaît))?\W*$",
            r"^\W*(?:un|una)?\s*(?:humano|agente|asesor\w*|operador)(?:\s+por\s+favor)?\W*$",
            rf"\b(?:is|are)\s+there\s+(?:{_WHO}|anyone|anybody)\s+(?:i|we)\s+(?:can|could)\s+(?:talk|speak|chat|call)\b",
            r"\b(?:mit\s+)?(?:einem|einer|jemandem)\s+(?:echten\s+)?(?:menschen|mitarbeiter(?:in)?|berater(?:in)?|person|"
            r"journalist(?:en|in)?|redakteur(?:in)?)"
            r"\s+(?:sprechen|reden|chatten|verbunden werden)\b",
            # "mit jemandem vom Kundenservice sprechen", "mit dem Support reden"
            r"\bmit\s+(?:jemandem|dem|der|ihrem|eurem)\s+(?:(?:vom|von|aus|im|beim)\s+(?:dem\s+|der\s+)?)?"
            r"(?:kundenservice|kundendienst|support|team|service|hotline|vertrieb|mitarbeiter\w*|menschen)?\s*"
            r"(?:sprechen|reden|chatten)\b",
            r"\b(?:parler|discuter)\s+(?:à|a|avec)\s+(?:un|une|quelqu'un|quelqu’un)\s*(?:vrai\s+)?"
            r"(?:humain|personne|conseill\w+|agent|opérateur|operateur|journaliste)?(?:\W|$)",
            # "¿Puedo hablar con una persona?", "¿hablo con una persona?", "quiero que me atienda una persona"
            r"\bhabl(?:ar|o|e|amos)\s+con\s+(?:un|una|alguien)\s*(?:humano|persona|agente|asesor\w*|operador|periodista)?"
            r"(?:\W|$)",
            r"\b(?:me\s+)?atienda\s+(?:un|una|alguien)\s*(?:humano|persona|agente|asesor\w*|operador)?(?:\W|$)",
            # "Est-ce que je peux avoir un humain ?", "Puis-je joindre un conseiller ?"
            r"\b(?:puis-je|je peux|je pourrais|je voudrais|je veux|j'aimerais|j’aimerais)\s+(?:avoir|joindre|contacter)"
            r"\s+(?:un|une)\s+(?:vrai\s+|vraie\s+)?(?:humain|conseill\w+|agent|opérateur|operateur|personne)\b",
            # a person to call: "Can I call someone?", "Kann ich jemanden anrufen?", "Puis-je appeler quelqu'un ?",
            # "¿Puedo llamar a alguien?" (a probe's "Kann ich jemanden anrufen?" got "Ja, mit einer … Vollmacht.")
            r"\b(?:can|could|may)\s+i\s+(?:call|phone|ring)\s+(?:someone|somebody|anyone|anybody|a person|a human|"
            r"you)\W*$",
            r"\b(?:kann|könnte|darf)\s+ich\s+(?:jemanden|einen\s+menschen|einen\s+mitarbeiter\w*|sie|euch)\s+"
            r"(?:anrufen|telefonisch\s+erreichen)\W*$",
            r"\b(?:puis-je|je peux|peut-on|on peut)\s+(?:appeler|téléphoner\s+à)\s+(?:quelqu'un|quelqu’un|"
            r"un conseiller|une personne|vous)\W*$",
            r"\b(?:puedo|podría)\s+llamar\s+a\s+(?:alguien|una persona|un agente|ustedes)\W*$",
            # the team by its name: "parler au service commercial", "hablar con (el equipo de) ventas"
            r"\b(?:parler|discuter)\s+(?:au|avec\s+le)\s+(?:service\s+(?:client|commercial|clientèle)|support)\b",
            r"\bhablar\s+con\s+(?:el\s+)?(?:equipo\s+de\s+|departamento\s+de\s+)?(?:ventas|soporte|"
            r"atención\s+al\s+cliente)\b",
        ]
    ),
    re.IGNORECASE,
)

# "no, I mean for my 1 year old", "nein, ich meinte am Wochenende": the user corrects what they asked; read with
# that question, not as a reply to the bot (a browser probe: both were declined as replies)
_CORRECTS = re.compile(
    r"^\W*(?:(?:no|nope|nah|sorry|nein|non|perdón|perdon|pardon)\W+)?(?:i mean|i meant|i was asking|i'm asking|"
    r"ich meine|ich meinte|ich frage|je veux dire|je voulais dire|je parle de|quiero decir|me refiero)\b\W*",
    re.IGNORECASE,
)
_REPLY = re.compile(
    r"^\s*(?:yes|yeah|yep|yup|no|nope|nah|sure|correct|right|exactly|ja|jein|nein|genau|doch|oui|non|si|sí|claro|"
    r"none of (?:those|these|them|the above)|neither|both|keine davon|aucun|ninguno)\b",
    re.IGNORECASE,
)
# words that point back (not those that are also articles, conjunctions or "you" in another of the languages:
# German "das", "sie", "es"; Spanish "y", "es"; French "en", "il")
_POINTS_BACK = re.compile(
    r"\b(it|its|they|them|their|theirs|this|these|those|he|she|him|his|her|such|the same|"
    r"dies|diese|dieser|dieses|dort|dafür|dazu|davon|darüber|damit|ihn|ihm|"
    r"cela|ça|celui|celle|ceux|elle|elles|ils|"
    r"esto|eso|ello|ella|ellos|ellas|allí|ahí)\b",
    re.IGNORECASE,
)
# "that" / "there" point back only where they stand for something ("What about that?", "How do I get there?"),
# not as a conjunction or in "Is there…"
_PRONOUNS = frozenset("it its they them their theirs he she him his her".split())
_THAT_THERE = re.compile(
    r"\b(?:about|with|for|of|do|does|did|like|from|to|in|on|get|go|going)\s+(?:that|there)\s*[?.!]*$|^\s*that\b|"
    r"\b(?:is|was|are|were|does|did|will|would|can|could|isn't|doesn't)\s+that\b",
    re.IGNORECASE,
)
# "Is it possible to…", "it is important that…": an "it" that points at nothing
_DUMMY_IT = re.compile(
    r"\b(?:is|was|will|would|isn't|it's)\s+it\s+\w+\s+(?:to|that|for|if)\b|\bit(?:'s| is| was)\s+\w+\s+(?:to|that)\b",
    re.IGNORECASE,
)
# German "das", "die", "der", "es", "sie" where no noun can follow, at the end of the message: a pronoun, not an article
# ("Was kostet die?", "Wie lange dauert das?"; not "Was kostet die REAL ID?")
_ARTICLE_ALONE = re.compile(r"\b(?:das|die|der|den|dem|es|sie)\s*[?!.]*\s*$", re.IGNORECASE)
# "can I do it online?", "how long does doing it take?": "do it" stands for the action asked about before, whatever
# noun came earlier in the message ("go to an office or can I do it online" is not about doing the office); and
# "…instead?", "…stattdessen?": a contrast with what was asked before ("what if I'm here on a student visa instead")
_DO_IT = re.compile(
    r"\b(?:(?:can|could|should|must|will|would|may|might|to|i|we|you|they)"
    r"(?:\s+(?:still|also|just|even|really|not|never|always|then))?\s+do|doing|done)\s+(?:it|this|that)\b"
    r"(?!\s+(?:is|was|to|that|if)\b)|\bget(?:ting)?\s+(?:it|this|that)\s+done\b|"
    r"\b(?:instead|stattdessen|statt dessen|à la place|plutôt|en cambio|en su lugar)\W*$",
    re.IGNORECASE,
)
# a question word and its measure, nothing else ("how often?", "wie lange?", "combien ?", "¿cuánto?"): a detail of
# what was just said
# (or with a light verb and a pronoun for what was just said: "how long does it take?", "wie lange dauert das?",
# "was kostet das?", "combien ça coûte ?", "¿cuánto cuesta?": a probe's "wie lange dauert das?" after the answer
# "…wird Ihnen nach etwa zwei Wochen … zugeschickt" got another entry's processing time)
_BARE_MEASURE = re.compile(
    r"^\W*(?:(?:and|but|und|aber|et|mais|y|pero)\s+)?(?:(?:how|wie)\s+(?:often|long|much|many|far|soon|old|oft|"
    r"lange|viel|viele|weit|bald|alt)|combien(?:\s+de\s+temps)?|cu[aá]nto(?:s|\s+tiempo)?|cu[aá]ntas|"
    r"(?:until|till|up to)\s+when|bis\s+wann|ab\s+wann|jusqu['’]\s*(?:à|a)\s+quand|[àa]\s+partir\s+de\s+quand|"
    r"hasta\s+cu[aá]ndo|desde\s+cu[aá]ndo)"
    r"(?:\s+(?:(?:does|do|did|will|would|is|was)\s+(?:it|that|this)(?:\s+(?:take|cost|last|be))?|"
    r"(?:dauert|kostet|braucht|gilt|ist)\s+(?:das|es|dies)|(?:ça|ca|cela)\s+(?:coûte|coute|prend|dure)|"
    r"(?:cuesta|tarda|dura|vale)(?:\s+(?:eso|esto))?))?\W*$|"
    r"^\W*(?:(?:and|but|und|aber|et|mais|y|pero)\s+)?(?:was\s+kostet\s+(?:das|es|dies)|"
    r"(?:ça|ca|cela)\s+(?:coûte|coute|prend|dure)\s+combien(?:\s+de\s+temps)?)\W*$",
    re.IGNORECASE,
)
# "what about…", "was ist mit…": asks about something else in the same frame
_ABOUT = re.compile(
    r"^\s*¿?\s*(?:(?:and|but|und|aber|et|mais|y|pero)\s+)?(?:what about|how about|was ist mit|wie ist es mit|"
    r"wie steht es mit|quid de|qu'en est-il de|qué tal|qué pasa con|qué hay de)\b",
    re.IGNORECASE,
)
# an opening "and…" ("Und kann ich die Leihfrist verlängern?", "And for adults?"): it leans back only when what
# follows is a fragment, under two content words of its own; a whole question after it is searched as it stands
# words that carry no subject of a message's own: a measure asked for and light verbs ("how much would I get?" after
# a funeral payment question asks about the payment; a browser probe had it read as a question of its own)
LIGHT = frozenset({"much", "mani", "get", "got", "need", "want", "like", "mean"})
# the visitor says the subject changes: what follows is a question of its own (a browser probe: "Different question.
# My landlord wants to put my rent up, can he do that?" was read with the funeral question before it)
_NEW_TOPIC = re.compile(
    r"^\W*(?:(?:a|one|another|my)\s+)?(?:different|other|new|separate|unrelated|next)\s+(?:question|topic|thing|subject)\b|"
    r"^\W*(?:unrelated|changing the subject|on another (?:note|topic)|something else)\b|"
    r"^\W*another\s+(?:question|topic|thing|subject)\b|"
    r"^\W*(?:eine\s+)?(?:andere|neue|weitere)\s+(?:frage|thema|sache)\b|^\W*(?:anderes thema|etwas anderes)\b|"
    r"^\W*(?:une\s+)?(?:autre|nouvelle)\s+(?:question|sujet|chose)\b|^\W*(?:un\s+)?autre sujet\b|"
    r"^\W*(?:otra|nueva)\s+(?:pregunta|cosa|duda)\b|^\W*(?:otro|nuevo)\s+tema\b",
    re.IGNORECASE,
)
_OPENER = re.compile(
    r"^\s*¿?\s*(?:and|but|also|plus|or|und|aber|auch|oder|et|mais|aussi|ou|y|pero|también|o)\b[\s,]*",
    re.IGNORECASE,
)
# what makes a clause of the words after an opening "and": a question word, an auxiliary or modal verb, "if" (en, de,
# fr, es). Without one, the words are a fragment, a noun phrase ("and the extra time fee?", "und die Mahngebühr?",
# "et pour les enfants ?"), whatever their number: elliptical, so a follow-up
_CLAUSE = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|be|do|does|did|can|could|should|will|would|"
    r"may|might|must|shall|has|have|had|if|i|you|we|they|he|she|it|"
    r"was|wer|wen|wem|wann|wo|wohin|woher|warum|wieso|weshalb|wie|welche[rsnm]?|ist|sind|war|gibt|kann|kannst|"
    r"können|muss|müssen|darf|dürfen|soll|sollte|hat|habe|haben|wird|werden|wenn|falls|ich|du|wir|man|"
    r"que|quoi|qui|quand|où|pourquoi|comment|quel|quelle|quels|quelles|est|sont|peut|peux|puis|dois|doit|faut|"
    r"ai|avez|si|je|tu|nous|vous|"
    r"qué|cuál|cuáles|quién|quiénes|cuándo|dónde|por qué|cómo|cuánto|cuánta|cuántos|cuántas|es|son|está|están|"
    r"puedo|puede|hay|tengo|tiene|debo|yo|si)\b",
    re.IGNORECASE,
)


# A question announced, not yet asked: "I have a question about my loan", "Hallo, ich habe eine Frage zur Bibliothek",
# "J'ai une question sur les horaires", "Tengo una pregunta sobre mi cuenta", "Can I ask you something?" (a browser
# probe got the library's WLAN entry for the German one). The whole message is the announcement: a greeting before
# it, a topic after it, "can you help me?" at its end; anything it asks besides is a question of its own.
_ANNOUNCE_HEAD = (
    r"(?:i\s+(?:have|'ve\s+got|got|had|would\s+have)|i\s+would\s+like\s+to\s+ask(?:\s+you)?|i'd\s+like\s+to\s+ask"
    r"(?:\s+you)?|can\s+i\s+ask(?:\s+you)?|could\s+i\s+ask(?:\s+you)?|may\s+i\s+ask(?:\s+you)?|quick)\s+"
    r"(?:(?:a|one|some|a\s+few|few|two|a\s+couple\s+of|another)\s+)?(?:(?:quick|short|small|simple)\s+)?"
    r"(?:questions?|something|query|queries)"
    r"|(?:ich\s+(?:habe|hab|hätte|hätt)|hätte\s+ich|darf\s+ich(?:\s+ihnen|\s+dir)?|kann\s+ich(?:\s+ihnen|\s+dir)?)\s+"
    r"(?:(?:eine|ein\s+paar|einige|zwei|mal\s+eine|noch\s+eine)\s+)?(?:(?:kurze|kleine)\s+)?"
    r"(?:fragen?|etwas\s+fragen|was\s+fragen)(?:\s+stellen)?"
    r"|(?:j'ai|j'aurais|je\s+peux\s+vous\s+poser|puis-je\s+vous\s+poser|je\s+voudrais\s+poser)\s+"
    r"(?:(?:une|des|quelques|deux|petite)\s+)*questions?"
    r"|(?:tengo|tendría|quiero\s+hacer(?:le|te)?|puedo\s+hacer(?:le|te)?)\s+"
    r"(?:(?:una|unas|algunas|dos|pequeña)\s+)*preguntas?"
    # information asked for on a topic, not a question asked ("I need more information about your medical benefits
    # package", "ich suche Informationen zum Wohngeld", "je cherche des informations sur…", "necesito información
    # sobre…")
    r"|(?P<info>(?:i\s+(?:need|want|would\s+like|'d\s+like|am\s+looking\s+for|'m\s+looking\s+for)|looking\s+for|"
    r"(?:can|could)\s+(?:you\s+give\s+me|i\s+(?:get|have)))\s+(?:(?:some|more|further|general)\s+)?"
    r"(?:info|information|details)"
    r"|i\s+(?:want|would\s+like|'d\s+like|need)\s+to\s+(?:know|learn|find\s+out)\s+more"
    r"|ich\s+(?:brauche|bräuchte|suche(?:\s+nach)?|hätte\s+gerne?|möchte|will)\s+(?:(?:mehr|weitere|ein\s+paar|einige|"
    r"nähere)\s+)?(?:informationen|infos?|auskunft|auskünfte)"
    r"|(?:je\s+(?:cherche|voudrais|souhaite|souhaiterais|veux)|j'ai\s+besoin)\s+(?:des\s+|d'|de\s+|plus\s+d')?"
    r"(?:informations?|infos?|renseignements?)"
    r"|(?:necesito|busco|quisiera|quiero|me\s+gustaría)\s+(?:(?:más|mas|algo\s+de)\s+)?(?:información|informacion|info))"
)
_ANNOUNCE_ABOUT = (
    r"about|on|regarding|concerning|re|with|for|zu|zur|zum|über|bezüglich|wegen|zu\s+(?:der|dem|den)|"
    r"sur|concernant|à\s+propos\s+(?:de|du|des)|au\s+sujet\s+(?:de|du|des)|pour|"
    r"sobre|acerca\s+de|respecto\s+a|con\s+respecto\s+a|en\s+cuanto\s+a|de|del|para"
)
_ANNOUNCE_TAIL = (
    r"(?:(?:perhaps|maybe|hopefully|so)\s+)?(?:(?:can|could|would)\s+you|you\s+(?:can|could|might))\s+help(?:\s+me)?"
    r"(?:\s+with\s+(?:that|it|this))?"
    r"|(?:können|könnten)\s+sie\s+(?:mir\s+)?(?:(?:damit|dabei)\s+)?helfen|kannst\s+du\s+(?:mir\s+)?(?:(?:damit|dabei)\s+)?helfen|"
    r"(?:pouvez|pourriez)-vous\s+m'aider|(?:puede|podría)s?\s+ayudarme|please|bitte|s'il\s+vous\s+plaît|por\s+favor"
)
_ANNOUNCE = re.compile(
    rf"^\W*(?:(?:{_GREETING}|{_FILLER})\b[\s,!.]*)*(?:{_ANNOUNCE_HEAD})"
    rf"(?:\s+(?:{_ANNOUNCE_ABOUT})\s+(?P<topic>[^?.!:;,]{{1,80}}?))?"
    rf"(?:[\s,.!?]+(?:{_ANNOUNCE_TAIL}))?[\s?.!]*$",
    re.IGNORECASE,
)


ANNOUNCED_WORDS = 8  # a topic, not a question: "my student loan plan", "die Öffnungszeiten der Bibliothek"
_ASKS_WITHIN = re.compile(
    r"\b(?:whether|if|how|what|when|why|where|who|which|ob|wie|was|wann|warum|wo|wer|welche[rsmn]?|si|comment|"
    r"quand|pourquoi|où|qui|quel(?:le)?s?|cómo|cuándo|por\s+qué|dónde|quién|cuál(?:es)?)\b",
    re.IGNORECASE,
)


def announced(message: str) -> str | None:
    """The topic of a question the message announces without asking it ("" when it names none); None when the
    message is no such announcement."""
    got = _announcement(message)
    if got is None or got[0]:
        return None  # (information asked for on a topic: a question, info_asked)
    return got[1]


def _announcement(message: str) -> tuple[bool, str] | None:
    """(whether it asks for information, its topic) of a message that announces a question or asks for information
    on a topic; None for another message, and for one whose topic is a question ("a question about the fees and
    whether they differ by course": asked)."""
    m = _ANNOUNCE.match(message.strip())
    if m is None:
        return None
    topic = (m.group("topic") or "").strip()
    if len(topic.split()) > ANNOUNCED_WORDS or _ASKS_WITHIN.search(topic):
        return None
    return bool(m.group("info")), topic


# the visitor doubts what the bot just said, or asks where it says so ("Are you sure?", "Really?", "Where does it say
# that?", "Stimmt das?", "C'est vrai ?", "¿Seguro?"), alone or before a remark of their own ("Are you sure? I don't
# want to waste my time there."), not before a question of their own ("Are you sure the fee is 10 euros?")
_CONFIRM = re.compile(
    r"^\W*(?:(?:but|and|so|hm+|oh|aber|und|mais|et|pero|y)\W+)?(?:"
    r"are\s+you\s+(?:sure|certain)|really|(?:is|was)\s+(?:that|this|it)\s+(?:right|correct|true|accurate|so)|"
    r"(?:that's|thats)\s+(?:right|correct|true)|how\s+do\s+you\s+know|(?:what's|what\s+is)\s+(?:your|the)\s+source|"
    r"source|where\s+(?:does\s+it|do\s+they|do\s+the\s+articles|is\s+that)\s+(?:say|said|written|written\s+down|"
    r"stated)(?:\s+(?:that|so))?|"
    r"(?:bist\s+du|sind\s+sie)\s+(?:sicher|dir\s+sicher|sich\s+sicher)|wirklich|echt|stimmt\s+das|ist\s+das\s+"
    r"(?:richtig|korrekt|wahr|so)|wo\s+steht\s+das|woher\s+(?:weißt\s+du|wissen\s+sie)\s+das|"
    r"(?:tu\s+es|vous\s+êtes|t'es)\s+s[ûu]re?s?|vraiment|c'est\s+(?:vrai|correct|exact|s[ûu]r)|o[ùu]\s+est-ce\s+"
    r"(?:écrit|dit)|"
    r"(?:estás|está|estas|esta)\s+segur[oa]|segur[oa]|de\s+verdad|en\s+serio|(?:es|eso\s+es)\s+(?:correcto|"
    r"cierto|verdad)|dónde\s+dice\s+eso"
    r")\s*(?:[?!.¿¡…]+|$)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def asks_confirmation(message: str) -> bool:
    """The message doubts what the bot just said or asks where the articles say it ("Are you sure?", "Stimmt
    das?"), with at most a remark after it, no question of its own."""
    m = _CONFIRM.match(message.strip().lstrip("¿¡"))
    return m is not None and "?" not in m.group("rest")


# the words that ask for a kind of thing, not for a detail: a measure after "how" ("how long", "wie lang",
# "combien de temps", "cuánto") and a way of reaching someone ("phone number", "Telefonnummer", "adresse e-mail")
_MEASURE = re.compile(
    r"\b(?:how\s+(?P<en>long|much|many|often|old|big|far|soon|late|early)|wie\s+(?P<de>lange?|viele?|oft|alt|groß|"
    r"gross|weit|spät|früh)|combien\s+(?P<fr>de\s+temps|de\s+fois)|cu[aá]n(?:to|ta|tos|tas)\s+(?P<es>tiempo|veces)?)\b",
    re.IGNORECASE,
)
_CONTACT_ASKED = re.compile(
    r"\b(?P<w>(?:tele)?phone(?:\s+number)?|number\s+to\s+call|e-?mail(?:\s+address)?|contact\s+details|"
    r"telefon(?:nummer)?|rufnummer|nummer|e-?mail(?:-adresse)?|kontaktdaten|"
    r"num[ée]ro(?:\s+de\s+t[ée]l[ée]phone)?|t[ée]l[ée]phone|adresse\s+e-?mail|courriel|"
    r"n[uú]mero(?:\s+de\s+tel[ée]fono)?|tel[ée]fono|correo(?:\s+electr[oó]nico)?)\b",
    re.IGNORECASE,
)


def measure_words(message: str) -> list[str]:
    """The words of a message that ask for a kind of thing rather than name a detail: the measure after "how"
    ("how long", "wie lang"), and "phone number" or "e-mail" when it asks how to reach someone."""
    out = [w for m in _MEASURE.finditer(message) for w in m.groups() if w]
    if asks_contact(message):
        out += [m.group("w") for m in _CONTACT_ASKED.finditer(message)]
    return out


def asks_contact(message: str) -> bool:
    """The message asks for a phone number or an e-mail address ("What's their phone number?", "Wie ist die
    Telefonnummer?")."""
    m = _CONTACT_ASKED.search(message)
    if m is None:
        return False
    before = message[: m.start()]
    # ("and their phone number?"; not "Do I need a phone to sign in?")
    return not re.search(
        r"\w", re.sub(r"(?i)\b(?:and|und|et|y|the|their|its|die|der|das|le|la|son|sa|el|su)\b", "", before)
    ) or bool(
        re.search(r"\b(?:what|which|give|wie|welche[rsnm]?|was|quel(?:le)?|cu[aá]l|qu[eé])\b", before, re.IGNORECASE)
    )


def info_asked(message: str) -> str | None:
    """The topic of a message that asks for information on it ("I need more information about your medical benefits
    package", "ich suche Informationen zum Wohngeld"); None for any other message, and for one that names no topic
    ("I need more information", in a conversation: more of what it is about)."""
    got = _announcement(message)
    return got[1] if got is not None and got[0] and got[1] else None


@dataclass
class Turn:
    kind: str  # SMALLTALK, PERSON, REPLY, FOLLOWUP or QUESTION
    # small talk: "greeting", "thanks", "bye", "ack", "invite" (a question announced) or "clarify" (a first message
    # with nothing of its own to ask: bot/engine.py)
    act: str | None = None


def smalltalk(message: str) -> str | None:
    """ "greeting", "thanks", "bye" or "ack" ("ok", "got it") when the message is nothing else; None otherwise."""
    text = message.strip().lower()
    if not text or len(text) > 80:
        return None
    rest = _SMALL.sub(" ", text)
    if re.search(r"\w", rest):  # anything left is what the message is about
        return None
    for act, pattern in _KIND:
        if pattern.search(text):
            return act
    return None


def wants_person(message: str) -> bool:
    return bool(_PERSON.search(message))


def leans_back(message: str, short: bool = True) -> bool:
    """The message leans on what came before: a pronoun or demonstrative that points at something (not "Is it
    possible to…"), an opening "and…" / "what about…", or (with `short`) under two content words of its own ("Why?",
    "Who do I call?": a browser probe, in a student-loan conversation, got another agency's phone numbers read as a
    question of its own; on doc2dial's tune dialogues no row moves)."""
    text = _DUMMY_IT.sub(" ", message)
    if _THAT_THERE.search(text) or _ABOUT.match(message) or _DO_IT.search(text) or _BARE_MEASURE.match(message):
        return True
    if _ARTICLE_ALONE.search(message) and language(message) == "de":
        return True
    opener = _OPENER.match(message)
    if opener and len(content_stems(message[opener.end() :], language(message))) < 2:
        return True
    if opener and not _CLAUSE.search(message[opener.end() :]):
        return True  # a fragment after "and…" ("and the extra time fee?": a browser probe read it as a question)
    for i, m in enumerate(_POINTS_BACK.finditer(text)):
        if i >= 8:  # a long message full of pronouns: its own nouns carry it (and the check stays cheap)
            return False
        w = m.group(0).lower()
        # a pronoun whose noun comes earlier in the message itself ("lend my car to my Mom so she can drive")
        if w in _PRONOUNS and referent(w, text[: m.start()]) is not None:
            continue
        # French inversion after the subject named ("La déchetterie est-elle ouverte… ?"): the pronoun repeats it (a
        # browser probe read the question as a follow-up of the one before and answered for another season)
        before = text[: m.start()]
        if before.endswith("-") and content_stems(before.rstrip("-").rsplit(None, 1)[0] if " " in before else "", "fr"):
            continue
        return True
    if not short:
        return False
    own = content_stems(message, language(message)) - LIGHT
    # a name of its own ("What is Fabman?"): a subject, though one word (a browser probe read "What is Fabman?" as a
    # follow-up to a question about bringing machines, and found nothing). Not in German, whose nouns all have capitals.
    lang = language(message)
    return len(own) < 2 and (lang == "de" or not _NAMED.search(message))


# a capitalised word after a message's first, not a pronoun, greeting or the like: a name ("Fabman", "Protospace")
_NAMED = re.compile(r"(?<=[\w,;:]\s)(?!(?:I|I'm|I've|I'd|OK|Ok)\b)[A-ZÄÖÜ][\w-]*[a-zäöüß][\w-]*")


def classify(message: str, previous: str | None, asked_back: bool = False) -> Turn:
    """What the message is, given the previous user message (None or "" at the start of a conversation);
    `asked_back`: the bot's last turn ends by asking the visitor something ("Are you a Veteran?"), when a statement
    ("I guess I am.", "lost") is its answer."""
    act = smalltalk(message)
    if act is not None:
        return Turn(SMALLTALK, act)
    if wants_person(message):
        return Turn(PERSON)
    if announced(message) is not None:
        return Turn(SMALLTALK, "invite")
    if not previous:
        return Turn(QUESTION)
    opened = _GREETS_FIRST.match(message)
    if opened and len(content_stems(opened.group("rest"), language(message))) >= 2:
        return Turn(QUESTION)  # a greeting opens a conversation: a new one
    if len(content_stems(message, language(message))) >= OWN_WORDS:
        return Turn(QUESTION)  # a message this long says what it is about, whatever its pronouns
    if _NEW_TOPIC.match(message):
        return Turn(QUESTION)  # "Different question. My landlord wants to put my rent up, can he do that?"
    if _CORRECTS.match(message):
        return Turn(FOLLOWUP)
    if _REPLY.match(message) and "?" not in message:
        return Turn(REPLY)
    if asked_back and "?" not in message and len(content_stems(message, language(message))) <= REPLY_WORDS:
        return Turn(REPLY)
    if leans_back(message, short=False):
        return Turn(FOLLOWUP)
    if leans_back(message):
        # short, pointing at nothing: a follow-up, unless its words are the question before's subject again ("How
        # much is the budget?" after "Who voted against the budget?": a question of its own on that subject; a
        # newsroom probe read it with the vote and quoted a councillor's reason)
        lang = language(message)
        own = content_stems(message, lang) - LIGHT
        if own and own <= content_stems(previous, lang):
            return Turn(QUESTION)
        return Turn(FOLLOWUP)
    return Turn(QUESTION)


def without_opener(message: str) -> str:
    """The question a message asks after its "Different question:" / "Andere Frage:" opener ("Different question:
    how much does a REAL ID cost?" -> "how much does a REAL ID cost?"): what a later follow-up leans on (a browser
    probe read "I'm 17, can I still get it?" as "…can I still get Different?")."""
    m = _NEW_TOPIC.match(message)
    if m is None:
        return message
    rest = re.sub(r"^[\s:;,.!\-–—]+", "", message[m.end() :])
    return rest or message


def previous_question(history) -> str:
    """The user's last message in the history that is a question of some kind (followup.last_user_turn), or that
    announces one with its topic ("I have a question about deleting my account"), passing over greetings, thanks and
    requests for a person (a browser probe: "Und am Sonntag?" after "Hallo!" was shown as a follow-up to
    "Hallo!")."""
    last_user_turn(history)  # the history's shape checked: a BadQuestion for a wrong one
    for turn in reversed(history or []):
        if isinstance(turn, dict):
            text = turn.get("content") if turn.get("role") == "user" else None
        else:
            text = turn[0] if isinstance(turn, (list, tuple)) and len(turn) == 2 else None
        if isinstance(text, str) and text and classify(text, None).kind not in (SMALLTALK, PERSON):
            return without_opener(text)
        if isinstance(text, str) and (topic := announced(text)):
            # "Hi, I have a question about deleting my account": its topic is what the next message leans on (a
            # probe: "I lost my phone, can I still do it?" after it was read with the barcode question before it)
            return topic
    return ""


def is_bare_reply(message: str) -> bool:
    """A yes / no with nothing of its own ("yes", "No, none of those."): it answers the bot, and asks nothing."""
    rest = _POLITE.sub(" ", content(message))  # ("yes please", "ja bitte", "oui merci": a probe got "I couldn't find
    # that" for "yes please" where "yes" got "All right")
    return bool(_REPLY.match(message)) and "?" not in message and not content_stems(rest)


_POLITE = re.compile(
    r"\b(?:please|pls|thanks|thank\s+you|bitte|danke(?:\s+schön)?|s'il\s+(?:vous|te)\s+pla[iî]t|merci|por\s+favor|"
    r"gracias)\b",
    re.IGNORECASE,
)


# "and the next one?", "what's next?", "and then?", "und der nächste Schritt?", "et ensuite ?", "¿y el siguiente?"
_NEXT = re.compile(
    r"^\W*(?:(?:and|und|et|y|ok|okay|gut|bien|vale)\W+)*(?:(?:what'?s|what is|was ist|was kommt|quelle est|quel est|"
    r"cuál es|cual es)\s+)?(?:(?:the|der|die|das|le|la|el)\s+)?(?:(?:next|nächste[rns]?|suivante?|siguiente)"
    r"(?:\s+(?:one|step|schritt|étape|etape|paso))?|then(?: what)?|dann|danach|ensuite|après|luego|después|despues)"
    r"(?:\s+(?:then|dann|alors))?\W*$",
    re.IGNORECASE,
)


def next_asked(message: str) -> bool:
    """The message asks for what comes next ("and the next one?", "und dann?", "¿y el siguiente?"): after a step
    of a numbered list, the step after it."""
    return bool(_NEXT.match(message))


def bare_measure(message: str) -> bool:
    """A question word and its measure, nothing else ("how often?", "wie lange?")."""
    return bool(_BARE_MEASURE.match(message))


def correction(message: str) -> str | None:
    """What a message that corrects the user's question says instead ("no I mean for my 1 year old" -> "for my 1
    year old"), None for any other message."""
    m = _CORRECTS.match(message)
    return message[m.end() :].strip() or None if m else None


# a determiner that points back: the noun after it is what the conversation is already about ("How much will I pay
# for these benefits?": "benefits" are the ones just talked of; the amount is what is asked). Not "that", which is
# also a conjunction ("Is it true that fees…")
_DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those|such|diese[rnms]?|jene[rnms]?|ce|cet|cette|ces|este|esta|estos|estas|ese|esa|esos|esas)"
    r"\s+([\w'’-]+)",
    re.IGNORECASE,
)


def given_words(message: str) -> list[str]:
    """The words a message names after a demonstrative ("these benefits", "diese Gebühr", "ces frais"): what the
    conversation is already about, not the new thing it asks."""
    return [m.group(1) for m in _DEMONSTRATIVE.finditer(message)]


_OWNER = frozenset(
    "the a an my your our their his her its this that these those der die das den dem des mein meine meinen "
    "meinem dein deine unser unsere le la les l' mon ma mes son sa ses el los las mi mis su sus".split()
)


def corrected(previous: str, said: str, lang: str = "en") -> str | None:
    """The previous question with the phrase a correction replaces ("Can I copy my rclone config to another
    machine?" + "the Syncthing config" -> "Can I copy the Syncthing config to another machine?"): the phrase of the
    previous question that ends in the correction's last word they share, with at most one word before it and its
    determiner. None when they share no content word ("for my 1 year old" after a question about fees)."""
    said_words = re.findall(r"[\w'’-]+", said)
    shared = [
        w for w in said_words if content_stems(w, lang) and content_stems(w, lang) <= content_stems(previous, lang)
    ]
    if not shared or len(said_words) > 8:
        return None
    head = content_stems(shared[-1], lang)
    tokens = list(re.finditer(r"[\w'’-]+", previous))
    at = next((i for i, t in enumerate(tokens) if content_stems(t.group(), lang) == head), None)
    if at is None:
        return None
    start = at
    if start > 0 and tokens[start - 1].group().lower() not in _OWNER and content_stems(tokens[start - 1].group(), lang):
        start -= 1  # one word before the shared one: "rclone" of "my rclone config"
    if start > 0 and tokens[start - 1].group().lower() in _OWNER:
        start -= 1
    if start == at and len(said_words) == 1:
        return None  # nothing of the previous question is replaced but the word itself
    return previous[: tokens[start].start()] + said.strip(" .!?") + previous[tokens[at].end() :]


# prepositions a follow-up may open with to swap one phrase of the question before ("and on Linux?")
_SWAP_PREP = (
    r"on|in|for|with|at|under|from|via|without|sur|sous|pour|avec|en|dans|chez|sans|auf|für|mit|unter|bei|im|am|"
    r"ohne|para|con|bajo|desde|sin"
)
_SWAP = re.compile(
    rf"^\s*¿?\s*(?:(?:and|but|also|und|aber|auch|et|mais|aussi|y|pero|también)\b[\s,]*|(?:what|how) about\s+)?"
    rf"(?P<prep>{_SWAP_PREP})\s+(?P<rest>[^?!.;,]+?)\s*[?!.]*\s*$",
    re.IGNORECASE,
)
_PHRASE_END = re.compile(rf"[?!.;,:]|\b(?:{_SWAP_PREP}|and|or|und|oder|et|ou|y|o|if|when|si|wenn|cuando|quand)\b", re.I)


_CODE_TOKEN = re.compile(r"\b[A-Za-z]{1,3}\d{1,3}\b")


def swapped(previous: str, message: str) -> str | None:
    """The previous question with the phrase a follow-up swaps ("Comment désinstaller Zettlr sur Mac ?" + "et sur
    Linux ?" -> "Comment désinstaller Zettlr sur Linux ?"; "How much is the fee for adults?" + "And for children?"):
    the message is an opening "and" and a phrase of at most four words under a preposition the previous question
    has; that preposition's phrase there is replaced. None otherwise. (A browser probe: "et sur Linux ?" after an
    uninstall question got the Linux install sentence, folded with the question as it was.)"""
    m = _SWAP.match(message)
    if m is None or len(m.group("rest").split()) > 4:
        return None
    prep = m.group("prep").lower()
    rest = m.group("rest").strip()
    codes = list(_CODE_TOKEN.finditer(previous)) if _CODE_TOKEN.fullmatch(rest) else []
    if codes:  # a code for a code ("¿y en A4?" after "…una hoja A3 en color?": A3, not "en color"; a browser probe)
        c = codes[-1]
        return previous[: c.start()] + rest + previous[c.end() :]
    at = [x for x in re.finditer(rf"\b{re.escape(prep)}\s+", previous, re.IGNORECASE)]
    if not at:
        return None
    start = at[-1].end()
    end = _PHRASE_END.search(previous, start)
    stop = end.start() if end else len(previous)
    phrase = previous[start:stop]
    if not phrase.strip():
        return None
    return previous[:start] + m.group("rest").strip() + phrase[len(phrase.rstrip()) :] + previous[stop:]


def nothing_to_lean_on(message: str) -> bool:
    """The message can only be read with a conversation before it, and there is none: it has no word of its own
    ("why?", "how?") or it goes on from something unsaid ("and in black and white?", "what about for kids?" as the
    first message; a browser probe got the German library's introduction for both after "New conversation")."""
    lang = language(message)
    own = content_stems(_POLITE.sub(" ", message), lang) - LIGHT - _UNDIRECTED
    if not own:
        return bool(re.search(r"\w", message)) and smalltalk(message) is None
    return bool(_ABOUT.match(message) or (_OPENER.match(message) and leans_back(message)))


# verbs of going about something, with no word of what ("Where should I begin?", "What do I do now?", "Wo fange ich
# an?"): as a first message they say nothing of what it is about (doc2dial: "Where should I begin?" got a loan
# consolidation's "Repayment … will begin within 60 days")
_UNDIRECTED = frozenset().union(
    *(
        content_stems(ws, lang)
        for lang, ws in (
            ("en", "begin start do proceed continue"),
            ("de", "anfangen fange beginnen beginne starten tun machen"),
            ("fr", "commencer commence faire"),
            ("es", "empezar empiezo comenzar comienzo hacer hago"),
        )
    )
)


def opens_with_and(message: str) -> bool:
    """The message opens with "and…", "but…", "also…" (in the four languages): it goes on with the conversation."""
    return bool(_OPENER.match(message))


def chatter(word: str) -> bool:
    """A greeting, thanks, goodbye, filler or interjection ("hello", "ah"): no word of what a message is about."""
    return bool(_CHATTER.fullmatch(word))


def content(message: str) -> str:
    """A reply's words less its yes / no ("Yes, I have a Pennsylvania licence" -> "I have a Pennsylvania
    licence")."""
    return _REPLY.sub("", message).strip(" ,.;:!-")


__all__ = [
    "previous_question",
    "FOLLOWUP",
    "PERSON",
    "QUESTION",
    "REPLY",
    "SMALLTALK",
    "Turn",
    "classify",
    "chatter",
    "opens_with_and",
    "content",
    "leans_back",
    "smalltalk",
    "wants_person",
]


# the small-talk and person words that tell a short message's language when the words are too few to detect it
_LANG_WORDS = {
    "de": re.compile(
        r"\b(hallo|guten|servus|moin|grüß|grüezi|danke|dankeschön|vielen|tschüss|tschüs|wiedersehen|bis bald|"
        r"mitarbeiter\w*|menschen?|sprechen|reden|jemandem|kundendienst|ich|möchte|kann|einem|einer)\b",
        re.IGNORECASE,
    ),
    "fr": re.compile(
        r"\b(bonjour|bonsoir|salut|coucou|merci|beaucoup|revoir|bientôt|parler|conseill\w+|humain|personne|"
        r"je|voudrais|puis)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"(?:^|\W)(hola|buen[oa]s|gracias|adiós|adios|hasta|hablar|persona|agente|asesor|alguien|puedo|quiero)\b",
        re.IGNORECASE,
    ),
}
LANGUAGES = ("en", "de", "fr", "es")


def language(message: str, default: str = "en") -> str:
    """The message's language among those the bot speaks (en, de, fr, es): from its words when there are
    enough; else from the greeting, thanks or request words of German, French or Spanish it uses; else `default`
    (the page's or the browser's language, when the client tells it: "hi" on a German page is answered in
    German)."""
    default = default if default in LANGUAGES else "en"
    return told_language(message, default) or default


def told_language(message: str, prefer: str = "en") -> str | None:
    """language(), or None when the message's own words don't tell (`prefer` breaks a tie)."""
    from bot.ingest.lang import detect, scores

    sc = scores(message, LANGUAGES)
    if max(sc.values(), default=0) >= 0.3:  # a share of the words that are that language's function words
        return detect(message, LANGUAGES, prefer)
    # (fewer, but of one language alone: "Which RxJS version goes with Angular 15.0.x?", its product names and
    # numbers no language's words, was answered with German labels in a German browser)
    told = [lang for lang, v in sc.items() if v > 0]
    if len(told) == 1 and sc[told[0]] >= 0.15:
        return told[0]
    hits = {lang: len(p.findall(message)) for lang, p in _LANG_WORDS.items()}
    best = max(hits, key=hits.get)
    return best if hits[best] else None


def confident_language(message: str, langs) -> str | None:
    """The message's language among `langs` when its words tell (a share of them are that language's function
    words), else None ("hi", "REAL ID?")."""
    from bot.ingest.lang import scores

    cands = [x for x in langs if x]
    if len(cands) < 2:
        return None
    sc = scores(message, cands)
    best = max(cands, key=lambda c: sc.get(c, 0.0))
    ranked = sorted((sc.get(c, 0.0) for c in cands), reverse=True)
    return best if ranked[0] >= 0.3 and ranked[0] > ranked[1] else None


def language_tag(tag: str | None) -> str | None:
    """One of the bot's languages from a language tag or an Accept-Language header ("de-CH,de;q=0.9,en;q=0.8" ->
    "de"), the first that it speaks; None when none."""
    if not isinstance(tag, str):
        return None
    for part in tag.split(",")[:10]:
        m = re.match(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*\s*(?:;|$)", part)
        if m and m.group(1).lower() in LANGUAGES:
            return m.group(1).lower()
    return None
