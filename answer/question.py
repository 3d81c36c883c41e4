"""What a question asks for: its parts, the kind of value it wants, and its scope words.

- Parts: "How much is the gym allowance and who approves it?" has two; each part should
  be covered by its own unit.
- Kind: amount, duration, date, number, contact, list — a unit holding that kind of
  value (a price, "30 days", "#ask-finance") is preferred over a topic sentence.
- Scope: question words that name a document or section among the retrieved ones but
  not all of them ("Standard" vs "Plus", "Colorado", "Design") — units from the
  documents that match are preferred.
All of it is plain pattern matching over the question: deterministic and corpus-free.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.schema import Hit

__all__ = [
    "CLOCK_ASKED",
    "CLOCK_STATED",
    "DAY_ASKED",
    "DAY_STATED",
    "EMAIL_STATED",
    "KIND_VALUE",
    "PREFER",
    "Asked",
    "analyse",
    "identifiers",
    "meets",
    "name_runs",
    "named_documents",
    "naming",
    "scope_names",
    "set_aside",
    "spans",
    "sum_parts",
    "unnamed",
    "unstated_sums",
    "violates",
]

_NUM = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|sixty|ninety)"
_PERIOD = r"(?:minute|hour|day|week|month|quarter|year|business day|working day)"
_UNIT = rf"(?:{_PERIOD}s?|mins?|hrs?|wks?|yrs?)"
_EMAIL = r"[\w.+-]+@[\w-]+\.[\w.]+"
EMAIL_STATED = re.compile(_EMAIL)  # an e-mail address
NAME_RUN = re.compile(r"\b[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)+")  # capitalised words in a row
# A time of day: "8:30am", "7 p.m.", "15:00 UTC", "noon".
_CLOCK = r"\b\d{1,2}(?::[0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\b\d{1,2}:[0-5]\d\b|\b(?:noon|midnight)\b"
CLOCK_STATED = re.compile(_CLOCK, re.I)
# A part asking for a time of day ("What time does the planning meeting start?").
CLOCK_ASKED = re.compile(
    r"\b(?:what|which) (?:time(?! off| of| frame| horizon| zone| period)|hours)\b", re.I
)
# A day: a weekday, a day of the month or a date ("Wednesday", "the 20th", "March 3",
# "3/14/2024", "2024-05-01", "the last business day").
_WEEKDAY = r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"
_MONTH_DAY = r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\b\d{1,2}(?:st|nd|rd|th)\b"
DAY_STATED = re.compile(
    rf"{_WEEKDAY}|{_MONTH_DAY}|\b\d{{1,2}}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    # "3/14/2024" (not "24/7"), "2024-05-01"
    r"|\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:\d{4}|\d{2})\b|\b(?:19|20)\d\d-\d\d-\d\d\b"
    r"|\b(?:first|last|final) (?:business |working |calendar )?day\b",
    re.I,
)
# A part asking which day ("Which day of the week is the team meeting?"), not "what days off".
DAY_ASKED = re.compile(
    r"\b(?:what|which) (?:week)?day\b(?! off)|\bday of the (?:week|month)\b", re.I
)
KIND_VALUE = {
    "amount": re.compile(r"[$€£¥]\s?\d|\d\s?(?:usd|eur|gbp|dollars?|euros?|%)|\bpercent\b", re.I),
    "duration": re.compile(
        rf"\b{_NUM}\+?[\s-]+{_UNIT}\b|\b\d[\d.]*(?-i:h|hrs?|mins?|wks?|yrs?)\b",  # "lasts 1h", "2.5yrs"; "1H" is a half
        re.I,
    ),
    "frequency": re.compile(
        rf"\b(?:annual(?:ly)?|yearly|monthly|weekly|daily|quarterly|bi-?weekly|biannual(?:ly)?)\b"
        rf"|\b(?:once|twice|every (?:other |{_NUM}[\s-]+)?{_PERIOD}s?|{_NUM} times)\b|\b(?:per|a|each) {_PERIOD}\b"
        rf"|\w\s?/\s?{_PERIOD}\b",  # "1-2x / year", "$100/month"
        re.I,
    ),
    "date": re.compile(
        rf"{_MONTH_DAY}|\b(?:19|20)\d\d\b|{_WEEKDAY}"
        rf"|\b(?:within|before|after|by)\s+(?:the\s+)?(?:end|first|last|{_NUM})\b"
        rf"|{_CLOCK}",
        re.I,
    ),
    "number": re.compile(r"(?<![A-Za-z])\d"),  # not a label such as "L4" or "M3"
    "contact": re.compile(
        rf"{_EMAIL}|"
        r"(?<!\w)#[a-z][\w-]+|(?<!\w)@[a-z][\w/-]+|\b\d{3}[-. ]\d{3}[-. ]\d{4}\b",
        re.I,
    ),
}
# A preference only (not a value the answerability model checks for): a question about
# what is excluded, limited or not allowed prefers units that state an exclusion.
PREFER = {
    **KIND_VALUE,
    "exclusion": re.compile(
        r"\b(?:not(?! only| limited to)|no|never|cannot|exclud\w*|exclusions?|except\w*|limit(?!ed to\b)\w*|restrict\w*|prohibit\w*)\b|n't\b",
        re.I,
    ),
    "person": re.compile(
        r"\b(?:team|manager|lead|head of|director|officer|department|representative|supervisor"
        r"|committee|council|board|ceo|cto|cfo|coo|founders?|hr|people ops|recruiter|admin\w*"
        r"|nurse|doctor|physician|pharmacist|therapist|specialist|reviewer|owner|partner|vendor"
        r"|vp|vice president|sponsor|chair\w*|engineer|counsel)\b",
        re.I,
    ),
}
_KINDS = (
    (
        "exclusion",
        re.compile(
            r"\b(?:can't|cannot|can not|isn't|aren't|won't|doesn't|don't|not (?:covered|allowed|eligible|included|permitted|reimbursed))\b"
            r"|\b(?:exclusions?|excluded|exceptions?|limitations?|restrictions?|prohibited)\b",
            re.I,
        ),
    ),
    (
        "contact",
        re.compile(
            r"\b(?:e-?mail (?:address|to|them|it)|(?:which|what|where do i|where should i|where can i) (?:e-?mail|slack|channel|post|ask)"
            r"|slack channel|(?:phone|fax|telephone) number|fax|(?:do|should|can) i call|number to call"
            r"|(?:which|what) address|who (?:do|should|can) i e-?mail)\b"
            r"|\b(?:which|what) number\b(?! of)|\bwhere (?:do|should|can) i (?:e-?mail|send|write|post|ask)\b"
            # "what's their email?", not "what's the email policy?"
            r"|\bwhat(?:'s|\s+(?:is|are))?\s+(?:the|their|his|her|its|your)\s+"
            r"(?:e-?mail(?: address)?|phone(?: number)?|fax(?: number)?)(?=\s*(?:[?,.]|$|(?:for|to|of|at)\b))",
            re.I,
        ),
    ),
    ("list", re.compile(r"\b(?:what|which) (?:kinds?|types?|sorts?) of\b", re.I)),
    ("frequency", re.compile(r"\bhow often\b|\bhow many times\b|\bhow frequent", re.I)),
    (
        "duration",
        re.compile(
            r"\b(?:longest|shortest)\b"  # "Longest nursing facility stay the plan covers?"
            r"|\bhow (?:long|early|late|far (?:ahead|out|back)|far in advance|soon"
            r"|many (?:days|weeks|months|years|hours))\b"
            r"|\bhow much (?:[a-z-]+ ){0,3}?(?:time|leave|notice|vacation|holiday|pto|paid time|parental|experience)\b"
            r"|\bnotice\b|\bdeadline\b|\bwithin how\b",
            re.I,
        ),
    ),
    (
        "amount",
        re.compile(
            r"\bhow much\b|\bthe most (?:i|we|you|they|one) can\b|\b(?:dollars?|cost|price|budget|allowance|stipend|reimburse\w*|fee|salary|payout|deductible|copay\w*|coinsurance|premium|out-of-pocket|maximum|limits?|amount)\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"\b(?:who|whom)\b(?! (?:is|are) eligible| qualif| can)"
            # "which agency (team ...)", not "which provider": a name ("Maven") answers that
            r"|\b(?:which|what) (?:agency|team|department|body|authority|office|committee"
            r"|person|role)\b",
            re.I,
        ),
    ),
    # "When do I ...", but not a clause that sets the case ("... per night when traveling").
    (
        "date",
        re.compile(
            r"^when\b|\bwhen (?=(?:do|does|did|is|are|was|were|will|would|should|can|could|must"
            r"|may|might|has|have|had)\b)|\bby when\b"
            # "what time does it start?", "which hours?"; not "what time off", "what timeline"
            rf"|\b(?:what|which) date\b|{DAY_ASKED.pattern}|{CLOCK_ASKED.pattern}",
            re.I,
        ),
    ),
    ("number", re.compile(r"\bhow many\b|\bnumber of\b|\bwhat percent", re.I)),
    (
        "list",
        re.compile(
            r"\b(?:what|which) (?:are|is) (?:the|my)? ?\w*\s?(?:options|steps|items|types|kinds|benefits|requirements|criteria)\b|\blist\b|\bwhat (?:does|do) .* (?:cover|include)\b|\bwhat (?:can|should) i\b"
            r"|\bwhat (?:are|were) (?:the|some|my|our) \w+s\b|\bname (?:some|a few|the)\b"
            r"|\bwhat (?:are|were) (?:the )?(?:possible|available|different|various|valid|allowed)\b"
            r"|\bwhat (?:conditions|criteria|requirements|steps|documents|options|ways|things|details|information)\b",
            re.I,
        ),
    ),
)
# A part asking for a sum of money: "how much" with a money word ("how much does it
# pay?", not "how much did the population grow?"), or "what" and a money word within a
# few words ("what's the per-recipient swag budget?", not "how do I pay my premium?");
# and the words a passage states a sum with: a figure, or "free", "in full", "no limit".
# A part asking for a sum that no retrieved passage states is one the documents do not
# answer, however close their topic.
_MONEY = (
    r"\b(?:pa(?:y|ys|id)|cost\w*|charge[ds]?|contribut\w*|reimburs\w*|spen[dt]|earn\w*|budget\w*"
    r"|allowances?|stipends?|fees?|salar(?:y|ies)|wages?|bonus\w*|payouts?|prices?|premiums?|deductibles?"
    r"|copay\w*|worth|money|dollars?|coverage)\b"
)
SUM_ASKED = re.compile(
    rf"^(?=.*{_MONEY})(?=.*\bhow much\b)"
    rf"|^what(?:'s|\s+(?:is|are|was|were|do|does|did|will|would))?\s+(?:[\w'-]+\s+){{0,4}}?{_MONEY}",
    re.I,
)
SUM_STATED = re.compile(
    rf"{KIND_VALUE['amount'].pattern}|\b(?:dollars?|euros?|pounds|cents?|yen|lira|rupees?|francs?|free|in full|full (?:cost|premium|amount)"
    r"|no (?:cost|charge|(?:set )?limit|cap|maximum)|at no|unlimited|nothing)\b",
    re.I,
)
_SPLIT = re.compile(
    r"\s*(?:\?\s+|;\s*|\.\s+(?=[A-Z])|,?\s+(?:and|also|plus)\s+(?=(?:(?:above|over|under|below|for|in|on|at|to|from|by|with|about|after|before)\s+)?(?:what|who|whom|how|when|where|which|why|is|are|can|do|does|should|may|will)\b))",
    re.I,
)


@dataclass(frozen=True)
class Asked:
    """The analysed question."""

    parts: tuple[str, ...]
    kinds: tuple[str, ...]  # one per part ("" when no kind is recognised)
    context: str = ""  # the scene-setting sentences: the topic a terse part refers to
    told: tuple[str, ...] = ()  # parts that state rather than ask: never named as uncovered


# A leading condition ("If I expense a monitor that costs $1,000, who owns it?") says when,
# not what: the kind comes from the clause after it.
_CONDITION = re.compile(r"^(?:if|once|whenever|in case|when (?:i|we|you|my|our))\b[^,?]*,\s*", re.I)


def sum_parts(asked: Asked) -> list[str]:
    """The parts asking for a sum of money (kind ``amount`` and ``SUM_ASKED``)."""
    return [
        part
        for part, kind in zip(asked.parts, asked.kinds, strict=True)
        if kind == "amount" and SUM_ASKED.search(_CONDITION.sub("", part) or part)
    ]


# A part asking for an amount the way one asks for a value ("What's the *dollar limit* on
# ambulance transport?", "what *per-mile rate* …?", "*Which* limit …?"), not whether ("Can I
# put a Soho House membership on the *stipend*?") or what happens ("*What happens* when the
# time *limit* runs out?"). A leading clause ("If I drive my own car, what …") is passed over.
VALUE_ASKED = re.compile(r"^(?:[^,?]*,\s*)?(?:what(?! happens)|how (?:much|many)|which)\b", re.I)
MONEY_NAMED = re.compile(rf"{_MONEY}|\bpercent\w*|\bdollars?\b", re.I)
# Any figure: a sum, a number in digits or words ("the maximum number of guests is *ten*").
FIGURE_STATED = re.compile(
    rf"{SUM_STATED.pattern}|(?<![A-Za-z])\d"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)\b",
    re.I,
)


def amount_parts(asked: Asked) -> tuple[list[str], list[str]]:
    """The parts asking for an amount as a value that ``sum_parts`` leaves out: those
    naming money or a percentage (a sum answers them: "what per-mile rate does the plan
    reimburse?"), and the rest (any figure answers them: "what's the maximum number of
    people …?")."""
    summed = sum_parts(asked)
    valued = [
        part
        for part, kind in zip(asked.parts, asked.kinds, strict=True)
        if kind == "amount" and part not in summed and VALUE_ASKED.search(part)
    ]
    money = [p for p in valued if MONEY_NAMED.search(p)]
    return money, [p for p in valued if p not in money]


# The thing a sum is asked of, when a part names it by a noun that has no other reading:
# "the *deductible* on the PPO 250 plan", "the monthly *premium* for employee-only
# coverage". A figure stated of something else ("$250 for mental health apps", "$6,000
# out-of-pocket maximum") does not answer it; each noun comes with the words a document
# may state the same sum with.
_SUM_OF = (  # the noun asked, and the other words a passage may name it with
    (r"premiums?", ""),
    (r"deductibles?", ""),
    (r"co-?pay\w*", ""),
    (r"co-?insurance", ""),
    (r"salar(?:y|ies)|wages?", r"base pay|pay (?:band|range)s?|compensation"),
    (r"payouts?", r"pays? out|paid out|rewards?"),
)


def sum_of(part: str) -> re.Pattern[str] | None:
    """What a unit must name to state the sum ``part`` asks for (None: any figure will
    do, as for "how much does the company pay?")."""
    found = [
        f"{noun}|{other}" if other else noun
        for noun, other in _SUM_OF
        if re.search(rf"\b(?:{noun})\b", part, re.I)
    ]
    return re.compile(rf"\b(?:{'|'.join(found)})", re.I) if found else None


def unstated_sums(asked: Asked, passages: list[str]) -> list[str]:
    """The parts asking for a sum of money that none of ``passages`` states: "How much
    does the company put into my HSA?" over passages that name the HSA but give no
    figure."""
    if any(SUM_STATED.search(p) for p in passages):
        return []
    return sum_parts(asked)


_WHEN = re.compile(r"^when\b", re.I)  # a part opening with "when"
# The question word a part opens with says what it asks for, over a topic word later in
# it: "*When* does the strike *price* get fixed?" asks for a date, "*Who* is responsible
# for *exceptions*?" for a person. Only a contact ("Who do I email?") is more specific.
_OPENING = (
    ("person", re.compile(r"^(?:who|whom)\b(?! (?:is|are) eligible| qualif| can)", re.I)),
    ("date", _WHEN),
)
_TOPICAL = frozenset({"amount", "exclusion", "list"})
# A part asking what something does *not* do ("which visits does it *not* apply to?") asks
# for an exclusion, as does "when" asked with a negation ("*When won't* the plan pay for
# testing?", "When does the protection *not* apply?"): the cases, not a date.
_NOT_ASKED = re.compile(
    r"\b(?:does|do|did|is|are|will|would|can|could|should)\s+(?:[\w-]+\s+){0,3}not\b", re.I
)
_NEGATED = re.compile(r"\bnot\b|n't\b", re.I)


def _kind(part: str) -> str:
    main = _CONDITION.sub("", part) or part
    found = next((name for name, pattern in _KINDS if pattern.search(main)), "")
    if found in ("", "list") and _NOT_ASKED.search(main):
        found = "exclusion"
    if _WHEN.match(main) and _NEGATED.search(main):
        return "exclusion"
    if found in _TOPICAL:
        return next((name for name, pattern in _OPENING if pattern.search(main)), found)
    return found


# A part that only sets the scene ("I'm on the Standard plan", "My manager is away") is
# context for the other parts, not a question of its own.
# "As a new engineer, is reading the guidelines optional?" asks, after its comma.
_STATEMENT = re.compile(
    r"^(?:i|i'm|i am|i've|i have|i'll|i will|we|we're|my|our)\b"
    r"|^as an?\b(?![^,]*,\s*(?:what|who|whom|how|which|where|when|why|is|are|am|can|could"
    r"|do|does|should|will|would|may|must)\b)"
    r"|^(?:will|would|can|could|should|may|might|must) (?:be|have|need|not)\b",
    re.I,
)


# A sentence telling the reader what to do asks too: "Is it different? *Give both numbers.*"
_INSTRUCTION = re.compile(
    r"^(?:please\s+)?(?:give|tell|list|name|show|explain|describe|include|compare|summari[sz]e"
    r"|provide|state|say|quote|mention|spell|walk|break)\b",
    re.I,
)


def _told(question: str) -> set[str]:
    """The sentences of ``question`` that state rather than ask (as parts are written): one
    ending in a full stop beside one that asks sets the scene ("A report of mine hits five
    years. What can we spend on the gift?"), unless it is an instruction."""
    sentences = re.split(r"(?<=[.?!])\s+", question.strip())
    if not any(s.endswith("?") for s in sentences):
        return set()
    return {s.strip(" ?.") for s in sentences if s.endswith(".") and not _INSTRUCTION.match(s)}


# What the question sets aside: "For profit sharing *(not the liquidity pool)*, when ...",
# "On Standard, not Plus, what ...".
_SET_ASIDE = re.compile(
    r"\(\s*(?:but\s+)?not\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?([^()]{2,60}?)\s*\)"
    r"|,\s*(?:but\s+)?not\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?([^,?.;]{2,40}?)\s*,",
    re.I,
)


def set_aside(question: str) -> str:
    """The question without what it sets aside ("For profit sharing (not the liquidity
    pool), when ..." is "For profit sharing, when ...")."""
    kept = _SET_ASIDE.sub(lambda m: "," if m.group().startswith(",") else "", question)
    return re.sub(r"\s+([,?.])", r"\1", kept).strip() if kept != question else question


def analyse(question: str) -> Asked:
    """Parts (at most three) and the value kind each asks for."""
    parts = tuple(p.strip(" ?.") for p in _SPLIT.split(question.strip()) if len(p.split()) >= 2)
    asking = tuple(p for p in parts if not _STATEMENT.match(p))
    context = " ".join(p for p in parts if p not in asking) if asking else ""
    parts = (asking or parts)[:3] or (question.strip(" ?"),)
    stated = _told(question)
    told = tuple(p for p in parts if p in stated)
    return Asked(parts=parts, kinds=tuple(_kind(p) for p in parts), context=context, told=told)


_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][a-zA-Z]+")


def scope_names(question: str) -> list[str]:
    """Capitalised words inside the question ("On the *Standard* plan", "joining
    *Technical Success*"): candidate names of a plan, team, country or product. The first
    word of a sentence and "I" are left out."""
    return [w for w in _NAME.findall(question.strip()) if w != "I"]


# A sentence's first word is capitalised whatever it is; as a document's name it counts
# only where it names some retrieved documents and not others ("*Standard* plan: deadline
# to claim care I got abroad?"), which words such as "How" or "Gym" rarely do.
_LEADING = re.compile(r"(?:^|(?<=[.?!] ))([A-Z][a-zA-Z]+)")


def document_label(hit: Hit) -> str:
    """A document's name as words: its title and its path ("Northwind_Standard.pdf")."""
    path = re.sub(r"[/_\-.]+", " ", hit.chunk.source)
    return f"{hit.chunk.title} {path}"


# A release or version number ("Sourcegraph *5.1.2*", "the *v2.0* docs"): a document
# names it in its title or its path, where the dots may be dashes ("trivy/5-1-2.md").
_VERSION = re.compile(r"(?<![\w$.,])v?(\d+(?:\.\d+)+)(?![\w%]|\.\d)", re.I)


def named_documents(question: str, hits: list[Hit], terms: Callable[[str], set[int]]) -> set[int]:
    """Hits from documents the question names: a capitalised question word ("On the
    *Standard* plan", "joining the *Design* team") or a version number ("in *5.2.1*")
    that is in the title or path of some of the retrieved documents but not all of them
    (``terms``: text -> its stemmed terms)."""
    named = _versioned(question, hits)
    names = scope_names(question) + _LEADING.findall(question.strip())
    if not names:
        return named
    wanted = terms(" ".join(names))
    labels = [terms(document_label(h)) & wanted for h in hits]
    scope = {t for t in wanted if 0 < sum(t in label for label in labels) < len(labels)}
    scope -= _shared(question, hits, labels, terms)
    return named | {i for i, label in enumerate(labels) if label & scope}


def name_runs(part: str) -> list[list[str]]:
    """The names of several capitalised words a part uses, as words; a part's first word
    is capitalised whatever it is ("*Does* Northwind Standard cover …" names "Northwind
    Standard")."""
    out = []
    for match in NAME_RUN.finditer(part):
        words = match.group().split()
        if match.start() == 0:
            words = words[1:]
        if len(words) > 1:
            out.append(words)
    return out


def _shared(
    question: str,
    hits: list[Hit],
    labels: list[set[int]],
    terms: Callable[[str], set[int]],
) -> set[int]:
    """The terms of a name of several words that a document whose title lacks them uses
    in its text: a name the documents share ("*Northwind Health*'s nursing care" names the
    insurer both plans are from, not the "Northwind Health Plus" plan its title holds)."""
    out: set[int] = set()
    for run in NAME_RUN.findall(question):
        words = run.split()
        # The whole run, or without its first word ("*Does* Northwind Health cover ...")
        for name in (" ".join(words), " ".join(words[1:])):
            held = terms(name)
            if " " in name and any(
                not held <= label and name.casefold() in hit.chunk.text.casefold()
                for hit, label in zip(hits, labels, strict=True)
            ):
                out |= held
                break
    return out


def _versioned(question: str, hits: list[Hit]) -> set[int]:
    """Hits from documents that name a version the question names, where some retrieved
    documents do not."""
    out: set[int] = set()
    for version in dict.fromkeys(_VERSION.findall(question)):
        found = naming(version)
        named = {i for i, h in enumerate(hits) if found.search(f"{h.chunk.title} {h.chunk.source}")}
        if 0 < len(named) < len(hits):
            out |= named
    return out


# An identifier the question names: a release number of three parts ("5.1.2") or with a
# "v" ("v2.0"), or a code of capitals and digits ("IC3", "L1", "SOC2"). "5.2" alone and
# "$5.2.1" are figures; "4th" and "1990s" are not codes.
_IDENTIFIER = re.compile(
    r"(?<![\w$.,-])(v?\d+(?:\.\d+){2,}|v\d+(?:\.\d+)+|[A-Z]{1,4}\d{1,3})(?![\w%-]|\.\d)"
)


def identifiers(text: str) -> list[str]:
    """The identifiers ``text`` names, in order, each once."""
    return list(dict.fromkeys(_IDENTIFIER.findall(text)))


def naming(identifier: str) -> re.Pattern[str]:
    """Where a text names ``identifier``: a release's dots may be dashes or underscores
    ("trivy/5-1-2.md"), a code may be spaced or hyphenated ("SOC 2", "ic-3")."""
    if identifier[-1].isdigit() and "." in identifier:
        digits = r"[._-]".join(identifier.lstrip("vV").split("."))
        return re.compile(rf"(?<![\d.-]){digits}(?!\d|[._-]\d)")
    letters, number = re.fullmatch(r"([A-Za-z]+)(\d+)", identifier).groups()  # type: ignore[union-attr]
    return re.compile(rf"(?<![A-Za-z0-9]){letters}[\s-]?{number}(?!\d)", re.I)


def unnamed(text: str, hits: list[Hit]) -> list[re.Pattern[str]]:
    """Where each identifier ``text`` names that no hit names (in its title, path,
    heading or text) would be named."""
    read = [f"{h.chunk.title} {h.chunk.source} {h.chunk.section} {h.chunk.text}" for h in hits]
    found = [naming(x) for x in identifiers(text)]
    return [f for f in found if not any(f.search(r) for r in read)]


# A span of time in days: "8 months", "a year", "two weeks", "90 days".
_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_COUNT = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_SPAN = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]+(day|week|month|year)s?\b"
_SPAN_RE = re.compile(rf"\b{_SPAN}", re.I)
# A condition on a span: "for less than 1 year", "after 90 days", "over 2 years".
# Only comparisons: "within 12 months of the birth", "up to 6 weeks before the due date"
# and "before 90 days" set a deadline or a limit on the leave, not a condition on the asker.
_BOUND = re.compile(
    rf"\b(less than|under|fewer than|over|more than|at least|longer than)\s+"
    rf"(?:the\s+|your\s+|their\s+)?(?:first\s+)?{_SPAN}",
    re.I,
)
_UPPER = frozenset({"less than", "under", "fewer than"})


def _days(count: str, unit: str) -> int:
    n = int(count) if count.isdigit() else _COUNT[count.lower()]
    return n * _DAYS[unit.lower()]


# "a year" after a count is a rate, not a span: "twice a year", "3 days a week", "$100 a month"
_RATE = re.compile(
    r"(?:\d\S*|once|twice|times|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:\s+[a-z]+)?\s+$",  # "3 days a week": a count and its unit
    re.I,
)


def spans(text: str) -> set[int]:
    """The spans of time a text names, in days ("about 8 months" -> 240)."""
    return {
        _days(m[1], m[2])
        for m in _SPAN_RE.finditer(text)
        if not (m[1].lower() in ("a", "an") and _RATE.search(text, 0, m.start()))
    }


def violates(days: int, text: str) -> bool:
    """Whether ``text`` sets conditions on a span of time and ``days`` meets none."""
    return bool(_BOUND.search(text)) and not meets(days, text)


def meets(days: int, text: str) -> bool:
    """Whether ``text`` sets a condition on a span of time that ``days`` meets: "if you've
    been with us for less than 1 year" for someone here 8 months."""
    for op, count, unit in _BOUND.findall(text):
        bound = _days(count, unit)
        if (days < bound) if op.lower() in _UPPER else (days > bound):
            return True
    return False
